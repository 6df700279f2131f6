package cards

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCase is one builder output compared with testdata/<name>.json.
type goldenCase struct {
	name string
	card any
}

// goldenCases returns every builder and variant with realistic inputs.
// Adaptive Cards are in files named *.json; the OAuth card (not an Adaptive
// Card) is oauth.json and skipped by the Adaptive Card validator.
func goldenCases() []goldenCase {
	a := fixtureApproval()
	o := ApprovalOptions{ViewerID: adele.ID, UserIDs: userIDs, Tab: tab, Portal: portal}

	custom := fixtureApproval()
	custom.AwaitAll = false
	custom.Responses = nil
	custom.Options = []string{"Approve as is", "Approve with changes", "Needs more info", "Reject", "Escalate to CFO"}

	unknown := fixtureApproval()
	unknown.Responses, unknown.Options = nil, nil

	answered := a
	answered.Responses = append(append([]flowdeck.ApprovalResponse{}, a.Responses...),
		flowdeck.ApprovalResponse{Responder: adele, Response: flowdeck.ResponseApprove, Comments: "OK, but order through the framework contract.", CreatedAt: t0.Add(2 * time.Hour)})
	completed := answered
	completed.Status, completed.Result, completed.CompletedAt = flowdeck.ApprovalCompleted, flowdeck.ResponseApprove, t0.Add(2*time.Hour)

	al := fixtureAlert()
	repeated := al
	repeated.Count, repeated.Since = 37, t0.Add(-6*time.Hour)
	running := al
	running.Run = fixtureRun(flowdeck.RunRunning)
	running.Run.EndTime, running.FailedAction = time.Time{}, flowdeck.Action{}
	newer := fixtureRun(flowdeck.RunFailed)
	newer.ID, newer.StartTime = "08584680000000000000000000000CU99", t0.Add(time.Hour)

	flows := []flowdeck.Flow{fixtureFlow(),
		{EnvironmentID: "7a1c0f3e-1111-4222-8333-944455556666", ID: "f2", DisplayName: "Onboarding checklist", State: flowdeck.FlowStopped, Trigger: "When an item is created", Shared: true},
		{EnvironmentID: envID, ID: "f3", DisplayName: "Weekly sales report", State: flowdeck.FlowSuspended, SuspensionReason: "AlwaysFailingDetected", Trigger: "Recurrence"}}
	envNames := map[string]string{envID: "Contoso (default)", "7a1c0f3e-1111-4222-8333-944455556666": "HR Production"}
	runs := []flowdeck.Run{fixtureRun(flowdeck.RunFailed), fixtureRun(flowdeck.RunSucceeded), fixtureRun(flowdeck.RunRunning)}
	runs[1].ID, runs[1].StartTime, runs[1].Code, runs[1].ErrorMessage = "CU11", t0.Add(-time.Hour), "", ""
	runs[2].ID, runs[2].StartTime, runs[2].EndTime, runs[2].Code = "CU13", t0.Add(time.Hour), time.Time{}, ""
	okAction := flowdeck.Action{Name: "Get_customer", Status: flowdeck.RunSucceeded, StartTime: t0, EndTime: t0.Add(2 * time.Second)}
	skipped := flowdeck.Action{Name: "Send_confirmation", Status: "Skipped"}

	return []goldenCase{
		{"approval_request", ApprovalRequest(a, ApprovalOptions{UserIDs: userIDs, Tab: tab, Portal: portal})},
		{"approval_request_custom_options", ApprovalRequest(custom, ApprovalOptions{Tab: tab, Portal: portal})},
		{"approval_request_unknown_options", Approval(unknown, ApprovalOptions{Tab: tab, Portal: portal})},
		{"approval_answered", ApprovalAnswered(answered, answered.Responses[1], o)},
		{"approval_already_answered", Approval(answered, o)},
		{"approval_completed", Approval(completed, o)},
		{"alert", AlertCard(al, AlertOptions{Tab: tab, Portal: portal})},
		{"alert_repeated", AlertCard(repeated, AlertOptions{Tab: tab, Portal: portal})},
		{"alert_running", AlertCard(running, AlertOptions{Portal: portal})},
		{"alert_confirm_resubmit", AlertConfirmResubmit(al, newer, AlertOptions{Tab: tab, Portal: portal})},
		{"alert_confirm_turnoff", AlertConfirmTurnOff(al, AlertOptions{Tab: tab, Portal: portal})},
		{"alert_outcome_resubmitted", AlertOutcome(al, Outcome{Verb: VerbAlertResubmit, By: adele, At: t0.Add(2*time.Hour + 30*time.Minute), NewRunID: "08584680000000000000000000000CU77"}, AlertOptions{Tab: tab, Portal: portal})},
		{"alert_outcome_turnedoff", AlertOutcome(al, Outcome{Verb: VerbAlertTurnOff, By: adele, At: t0.Add(2 * time.Hour)}, AlertOptions{Tab: tab, Portal: portal})},
		{"alert_outcome_muted", AlertOutcome(al, Outcome{Verb: VerbAlertMute, By: alex, At: t0, Until: t0.Add(24 * time.Hour)}, AlertOptions{Portal: portal})},
		{"alert_outcome_failed", AlertOutcome(al, Outcome{Verb: VerbAlertResubmit, By: adele, At: t0, Err: flowdeck.Errorf(flowdeck.ErrForbidden, "Only the flow's owners can resubmit its runs.")}, AlertOptions{Tab: tab, Portal: portal})},
		{"live_flow", FlowLive(fixtureFlow(), runs, Links{Tab: tab, Portal: portal})},
		{"live_flow_off", FlowLive(flows[1], nil, Links{Portal: portal})},
		{"live_run", RunLive(fixtureFlow(), runs[0], []flowdeck.Action{okAction, fixtureAction(), skipped}, Links{Tab: tab, Portal: portal})},
		{"live_approval", ApprovalLive(a, adele.ID, Links{Tab: tab, Portal: portal})},
		{"no_access_run", NoAccess(flowdeck.LinkRun)},
		{"alert_recovered", AlertRecovered(repeated, t0.Add(3*time.Hour), AlertOptions{Tab: tab, Portal: portal})},
		{"digest", DigestCard(Digest{Since: t0.Add(-24 * time.Hour), Until: t0, Failures: fixtureFailures(3), Off: flows[1:], PendingApprovals: 4}, links)},
		{"notice_off", FlowNoticeCard(FlowNotice{Kind: NoticeOff, Flow: flows[1], EnvironmentName: "HR Production"}, AlertOptions{Tab: tab, Portal: portal})},
		{"notice_suspended", FlowNoticeCard(FlowNotice{Kind: NoticeSuspended, Flow: flows[2], EnvironmentName: "Contoso (default)"}, AlertOptions{Tab: tab, Portal: portal})},
		{"notice_idle", FlowNoticeCard(FlowNotice{Kind: NoticeIdle, Flow: flows[0], LastRun: t0.Add(-9 * 24 * time.Hour), Days: 7}, AlertOptions{Portal: portal})},
		{"digest_quiet", DigestCard(Digest{Since: t0.Add(-24 * time.Hour), Until: t0}, links)},
		{"welcome", WelcomeCard("Adele Vance", false, false, tab)},
		{"welcome_signed_in", WelcomeCard("", true, false, nil)},
		{"welcome_auto", WelcomeCard("Adele Vance", true, true, tab)},
		{"signed_in_auto", SignedInCard()},
		{"defaults_approvals", DefaultChosenCard(ChoiceApprovals, "", time.Time{}, false)},
		{"defaults_pause", DefaultChosenCard(ChoicePause, "", time.Date(2026, 3, 11, 9, 0, 0, 0, time.UTC), true)},
		{"defaults_digest", DefaultChosenCard(ChoiceDigest, "08:00", time.Time{}, false)},
		{"help", HelpCard(fixtureCommands())},
		{"signin_again", SignInAgainCard("")},
		{"environments", EnvironmentsCard([]flowdeck.Environment{{ID: envID, DisplayName: "Contoso (default)", IsDefault: true, SKU: "Default", Location: "europe"}, {ID: "7a1c0f3e-1111-4222-8333-944455556666", DisplayName: "HR Production", SKU: "Production", Location: "europe"}})},
		{"flows", FlowsCard(flows, envNames, Page{Command: "flows", Cursor: "eyJza2lwIjoyNX0", Total: 60}, links)},
		{"flows_empty", FlowsCard(nil, nil, Page{Command: "flows zzz"}, links)},
		{"failures", FailuresCard(fixtureFailures(2), []string{"HR Production"}, Page{Command: "failures 24h"}, links)},
		{"failures_resubmit_all", FailuresCard(withWindow(fixtureFailures(2), "24h"), nil, Page{Command: "failed 24h"}, links)},
		{"runs", RunsCard(fixtureFlow(), runs, Page{Command: "runs invoice", Cursor: "c2"}, links)},
		{"runs_failed", RunsCard(fixtureFlow(), []flowdeck.Run{runs[0], runs[0]}, Page{Command: "runs invoice"}, Links{Portal: portal, Zone: berlin})},
		{"run", RunCard(fixtureFlow(), fixtureRun(flowdeck.RunFailed), []flowdeck.Action{okAction, fixtureAction(), skipped}, links)},
		{"approvals", ApprovalsCard("Approvals waiting for you", []flowdeck.Approval{a, custom}, Page{Command: "approvals"}, links)},
		{"approvals_sent", ApprovalsCard("Approvals you sent", []flowdeck.Approval{sent(a), sent(completed)}, Page{Command: "approvals sent", Cursor: "25", Total: 30}, links)},
		{"apps", AppsCard([]flowdeck.App{{EnvironmentID: envID, ID: "app1", DisplayName: "Expense reporter", Owner: megan, ModifiedAt: t0, Link: "https://apps.powerapps.com/play/e/" + envID + "/a/app1"}}, Page{})},
		{"connections", ConnectionsCard([]flowdeck.Connection{
			{EnvironmentID: envID, ID: "c1", DisplayName: "adelev@contoso.com", API: "shared_office365", Status: flowdeck.ConnectionConnected},
			{EnvironmentID: envID, ID: "c2", DisplayName: "Dynamics 365", API: "shared_commondataserviceforapps", Status: flowdeck.ConnectionError, ErrorCode: "Unauthorized", ErrorMessage: "The refresh token has expired due to inactivity. Sign in again to fix the connection."},
		}, Page{})},
		{"pick", PickCard("Which flow did you mean?", "runs invoice", []Candidate{{Title: "Invoice sync to Dynamics", Detail: "Contoso (default) · On", Value: "flow:" + envID + ":5f0c"}, {Title: "Invoice archive", Detail: "HR Production · Off", Value: "flow:x:f9"}})},
		{"error_consent", ErrorCard(&flowdeck.Error{Kind: flowdeck.ErrConsentRequired, Message: "FlowDeck needs your consent to read your flows."}, ErrorOptions{ConsentURL: "https://login.microsoftonline.com/common/adminconsent?client_id=c9e8c047-2a74-40a2-b28a-b162d5f5327c"})},
		{"error_permission", ErrorCard(&flowdeck.Error{Kind: flowdeck.ErrForbidden,
			Message: "FlowDeck is missing the Flows.Manage.All permission for Power Automate, so it cannot do this. Ask your administrator to grant it to FlowDeck for your organization with the admin-consent link.",
			Detail: map[string]string{flowdeck.DetailPermission: "Flows.Manage.All", flowdeck.DetailAudienceName: "Power Automate",
				flowdeck.DetailAdminConsentURL: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/adminconsent?client_id=c9e8c047-2a74-40a2-b28a-b162d5f5327c&scope=https%3A%2F%2Fservice.flow.microsoft.com%2F%2F.default",
				flowdeck.DetailConsentURL:      "https://flowdeck.contoso.com/auth/start?s=abc"}}, ErrorOptions{})},
		{"error_consent_detail", ErrorCard(&flowdeck.Error{Kind: flowdeck.ErrConsentRequired, Message: "FlowDeck needs your consent to use Power Automate on your behalf.",
			Detail: map[string]string{flowdeck.DetailConsentURL: "https://flowdeck.contoso.com/auth/start?s=abc"}}, ErrorOptions{})},
		{"error_admin_consent", ErrorCard(&flowdeck.Error{Kind: flowdeck.ErrConsentRequired, Message: "Your organization lets only an administrator give FlowDeck access to Power Automate.",
			Detail: map[string]string{flowdeck.DetailAdminRequired: "true", flowdeck.DetailAudienceName: "Power Automate",
				flowdeck.DetailMissingScopes:   "https://service.flow.microsoft.com//Flows.Read.All https://service.flow.microsoft.com//Flows.Manage.All offline_access",
				flowdeck.DetailAdminConsentURL: "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0/adminconsent?client_id=c9e8c047-2a74-40a2-b28a-b162d5f5327c&scope=https%3A%2F%2Fservice.flow.microsoft.com%2F%2F.default"}}, ErrorOptions{})},
		{"error_throttled", ErrorCard(&flowdeck.Error{Kind: flowdeck.ErrThrottled, Message: "Power Automate is busy.", RetryAfter: 30 * time.Second}, ErrorOptions{})},
		{"error_signin", ErrorCard(flowdeck.Errorf(flowdeck.ErrInteractionRequired, "Your organisation requires you to sign in again."), ErrorOptions{})},
		{"error_partial", ErrorCard(flowdeck.Errorf(flowdeck.ErrUnavailable, "Some environments did not answer."), ErrorOptions{Environments: []string{"HR Production", "Finance Sandbox"}})},
		{"error_internal", ErrorCard(os.ErrDeadlineExceeded, ErrorOptions{})},
		{"bulk_confirm", BulkConfirmCard(VerbBulkResubmit, runs[:2], map[string]string{fixtureFlow().ID: "Invoice sync to Dynamics"})},
		{"bulk_result", BulkResultCard(VerbBulkResubmit, []RunResult{
			{Run: runs[0], FlowName: "Invoice sync to Dynamics", NewRunID: "CU20"},
			{Run: runs[2], FlowName: "Invoice sync to Dynamics", Err: flowdeck.Errorf(flowdeck.ErrConflict, "The run is still running; cancel it first.")},
		}, portal)},
		{"bulk_progress", BulkProgressCard(VerbBulkResubmit, 1, 40, []RunResult{
			{Run: runs[0], FlowName: "Invoice sync to Dynamics", NewRunID: "CU20"},
		}, portal)},
		{"oauth", NewOAuthCard("Sign in to FlowDeck", "", "5a3c6f3e-0d2b-4f43-8f0e-8c9f7d0e1a22",
			"api://flowdeck.contoso.com/botid-c9e8c047-2a74-40a2-b28a-b162d5f5327c", "https://flowdeck.contoso.com/auth/start?loginHint=adelev%40contoso.com")},
	}
}

// berlin is a viewer's time zone from their settings.
var berlin = func() *time.Location { l, _ := time.LoadLocation("Europe/Berlin"); return l }()

// withWindow sets the window of each failure group (the failed command's).
func withWindow(gs []FlowFailures, w string) []FlowFailures {
	for i := range gs {
		gs[i].Window = w
	}
	return gs
}

// sent is a as its owner sees it in "approvals sent".
func sent(a flowdeck.Approval) flowdeck.Approval {
	a.Role = flowdeck.RoleOwner
	return a
}

func marshalCard(t testing.TB, card any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(card, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestGolden compares every card with testdata/<name>.json; -update rewrites them.
func TestGolden(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			if seen[tc.name] {
				t.Fatalf("duplicate golden name %q", tc.name)
			}
			seen[tc.name] = true
			got := marshalCard(t, tc.card)
			if !bytes.Equal(marshalCard(t, tc.card), got) {
				t.Fatal("output is not deterministic")
			}
			file := filepath.Join("testdata", tc.name+".json")
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/cards -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the builder's output (run go test ./internal/cards -update and review the diff):\n%s", file, got)
			}
		})
	}
	// No stale golden files: every testdata/*.json has a case.
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, f := range files {
		if n := strings.TrimSuffix(filepath.Base(f), ".json"); !seen[n] {
			t.Errorf("%s has no golden case; delete it", f)
		}
	}
}

// TestAttachment checks the Bot Framework wrapping of both card kinds.
func TestAttachment(t *testing.T) {
	b, err := json.Marshal(HelpCard(nil).Attachment())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(`{"contentType":"application/vnd.microsoft.card.adaptive","content":{"type":"AdaptiveCard","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","version":"1.5"`)) {
		t.Errorf("attachment = %s", b)
	}
	b, err = json.Marshal(NewOAuthCard("", "", "id", "api://x", "https://x/start").Attachment())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"contentType":"application/vnd.microsoft.card.oauth","content":{"text":"Sign in to FlowDeck","connectionName":"","buttons":[{"type":"signin","title":"Sign in","value":"https://x/start"}],"tokenExchangeResource":{"id":"id","uri":"api://x"}}}`
	if string(b) != want {
		t.Errorf("oauth attachment =\n%s\nwant\n%s", b, want)
	}
}
