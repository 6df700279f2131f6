package bot_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// These tests drive the chat that acts (issue 18): the approvals list's
// Answer button, approvals sent, and the run rows of failed and runs, with
// their bulk resubmit, through the real endpoint against the fakes.

// messageOf is the text of a message answer to an invoke.
func messageOf(t *testing.T, res connector.Result) string {
	t.Helper()
	var b struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	if err := res.JSON(&b); err != nil || b.Type != botframework.ContentTypeMessage {
		t.Fatalf("want a message answer, got %s", res.Body)
	}
	return b.Value
}

// waitRecord waits until a record of conv after the first n satisfies ok.
func waitRecord(t *testing.T, w *world, conv string, n int, ok func(connector.Record) bool) connector.Record {
	t.Helper()
	ctx := waitCtx(t)
	for k := n + 1; ; k++ {
		recs, err := w.conn.WaitFor(ctx, conv, k)
		if err != nil {
			t.Fatalf("no such record in %s: %v", conv, err)
		}
		if r := recs[k-1]; ok(r) {
			return r
		}
	}
}

// TestApprovalFromTheListAnsweredOnce: Answer on the approvals list posts
// the approval's own card; the user clicks Approve on it and, at the same
// time, on the same approval's card in a group chat (another client). One
// response goes upstream; the other card is updated to say it was answered.
func TestApprovalFromTheListAnsweredOnce(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	w.signIn(t, adele)
	personal := w.drv.ConversationID(adele)
	list := w.ask(t, adele, "approvals")
	answers := allActionData(t, list.Activity().Attachments[0].Content, cards.VerbApprovalOpen)
	if len(answers) == 0 {
		t.Fatalf("no Answer button on the approvals list: %s", content(list))
	}
	open := answers[0]
	rep, err := w.ops.Approvals(as(adele), flowdeck.RoleApprover, true)
	must(t, err)
	var a flowdeck.Approval
	for _, x := range rep.Approvals {
		if x.ID == open["approvalId"] {
			a = x
		}
	}
	if len(a.Options) == 0 {
		t.Fatalf("approval %v has no options", open["approvalId"])
	}

	n := len(w.conn.Records(personal))
	if text := messageOf(t, w.invoke(t, adele, list.ActivityID, cards.VerbApprovalOpen, open, "")); !strings.Contains(text, "below") {
		t.Errorf("Answer: %q", text)
	}
	posted := waitRecord(t, w, personal, n, func(r connector.Record) bool { return r.Op != connector.OpTyping })
	if !strings.Contains(content(posted), cards.VerbApprovalRespond) {
		t.Fatalf("Answer posted %s, want the approval card", content(posted))
	}
	// A second click on the same Answer button posts nothing more.
	if text := messageOf(t, w.invoke(t, adele, list.ActivityID, cards.VerbApprovalOpen, open, "")); !strings.Contains(text, "already") {
		t.Errorf("second Answer: %q", text)
	}

	const group = "19:0b7c1f0e4b7a4d1e9b1e2f3a4b5c6d7e@thread.v2"
	groupCard, err := w.router.PostApproval(t.Context(), flowdeck.ConversationRef{TenantID: adele.TenantID, ConversationID: group,
		Scope: flowdeck.ScopeGroupChat, ServiceURL: w.conn.ServiceURL(), ChannelID: "msteams"}, a, nil)
	must(t, err)

	before := w.cloud.PP.Calls(powerplatform.RouteApprovalsRespond)
	data := map[string]any{"approvalId": a.ID, "environmentId": a.EnvironmentID, "response": a.Options[0], "comment": "Fine by me."}
	var wg sync.WaitGroup
	var texts [2]string
	wg.Go(func() {
		_, texts[0] = cardOf(t, w.invoke(t, adele, posted.ActivityID, cards.VerbApprovalRespond, data, ""))
	})
	wg.Go(func() {
		act := w.drv.Activity(adele, "invoke")
		act["conversation"] = map[string]any{"conversationType": "groupChat", "tenantId": adele.TenantID, "id": group, "isGroup": true}
		act["name"], act["replyToId"] = botframework.InvokeAdaptiveCardAction, groupCard
		act["value"] = map[string]any{"trigger": "manual", "action": map[string]any{"type": "Action.Execute", "verb": cards.VerbApprovalRespond, "data": data}}
		res, err := w.drv.Send(waitCtx(t), act)
		must(t, err)
		_, texts[1] = cardOf(t, res)
	})
	wg.Wait()
	if n := w.cloud.PP.Calls(powerplatform.RouteApprovalsRespond) - before; n != 1 {
		t.Fatalf("%d responses upstream for two clicks on two cards, want 1", n)
	}
	for i, text := range texts {
		if !strings.Contains(text, "answered") {
			t.Errorf("click %d was answered with %s", i, text)
		}
	}
	got, err := w.cloud.PP.Approval(a.ID)
	must(t, err)
	if len(got.Responses) != 1 || got.Responses[0].Comments != "Fine by me." {
		t.Errorf("upstream responses: %+v", got.Responses)
	}
	// Both cards are updated in place to show the answer.
	for conv, id := range map[string]string{personal: posted.ActivityID, group: groupCard} {
		r := waitRecord(t, w, conv, 0, func(r connector.Record) bool { return r.Op == connector.OpUpdate && r.ActivityID == id })
		if !strings.Contains(content(r), "Adele Vance answered") && !strings.Contains(content(r), "You answered") {
			t.Errorf("the card in %s was updated to %s", conv, content(r))
		}
	}
}

// TestApprovalsSentNamesWhoAnswered: approvals sent lists each approver's
// response and comment, and who has not answered yet.
func TestApprovalsSentNamesWhoAnswered(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	users := demo.Users()
	adele, megan, alex := users[0], users[1], users[2]
	w.signIn(t, adele)
	envs, err := w.ops.Environments(as(adele))
	must(t, err)
	id, err := w.cloud.PP.AddApproval(powerplatform.Approval{Environment: envs[0].ID, Title: "Budget for the offsite",
		Type: powerplatform.ApprovalBasicAwaitAll, OwnerID: adele.ID, Approvers: []string{megan.ID, alex.ID}})
	must(t, err)
	must(t, w.cloud.PP.RespondElsewhere(id, alex.ID, "Approve", "Within budget."))

	text := content(w.ask(t, adele, "approvals sent"))
	for _, want := range []string{"Budget for the offsite", "Alex Wilber answered **Approve**", "Within budget.", "Waiting for Megan Bowen"} {
		if !strings.Contains(text, want) {
			t.Errorf("approvals sent does not say %q: %s", want, text)
		}
	}
	if strings.Contains(text, cards.VerbApprovalOpen) {
		t.Errorf("approvals sent offers Answer on an approval Adele sent: %s", text)
	}
}

// TestFailedRunsHaveIdsAndButtons: failed shows each flow's latest failed
// run with its short id, Details and Resubmit; two clicks on Resubmit
// resubmit that run once; resubmit <short id> finds the run.
func TestFailedRunsHaveIdsAndButtons(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	w.signIn(t, adele)
	d, err := w.ops.Dashboard(as(adele), "7d")
	must(t, err)
	latest := d.Failing[0].Latest
	r := w.ask(t, adele, "failed 7d")
	text := content(r)
	if !strings.Contains(text, cards.ShortID(latest.ID)) || !strings.Contains(text, cards.VerbRunDetails) || !strings.Contains(text, "Times are in UTC") {
		t.Fatalf("failed shows no short id, Details or time note: %s", text)
	}
	var resubmit map[string]any
	for _, x := range allActionData(t, r.Activity().Attachments[0].Content, cards.VerbAlertResubmit) {
		if x["runId"] == latest.ID {
			resubmit = x
		}
	}
	if resubmit == nil {
		t.Fatalf("no Resubmit for run %s: %s", latest.ID, text)
	}
	details := map[string]any{"environmentId": resubmit["environmentId"], "flowId": resubmit["flowId"], "runId": resubmit["runId"]}
	if _, text := cardOf(t, w.invoke(t, adele, r.ActivityID, cards.VerbRunDetails, details, "")); !strings.Contains(text, "Run of") || !strings.Contains(text, "Error code") {
		t.Errorf("Details: %s", text)
	}

	before := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { w.invoke(t, adele, r.ActivityID, cards.VerbAlertResubmit, resubmit, "") })
	}
	wg.Wait()
	if n := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit) - before; n != 1 {
		t.Fatalf("%d resubmits for two clicks on one run row, want 1", n)
	}

	// With a time zone in the settings, the times are in it.
	_, err = w.ops.SetSettings(as(adele), flowdeck.UserSettings{TenantID: adele.TenantID, UserID: adele.ID, TimeZone: "Asia/Tokyo"})
	must(t, err)
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	must(t, err)
	text = content(w.ask(t, adele, "failed 7d"))
	if !strings.Contains(text, "Times are in Asia/Tokyo") || !strings.Contains(text, latest.StartTime.In(tokyo).Format("Mon 2 Jan 15:04")) {
		t.Errorf("failed with a time zone set: %s", text)
	}

	confirm := w.ask(t, adele, "resubmit "+strings.ToLower(cards.ShortID(latest.ID)))
	runs := actionData(t, confirm.Activity().Attachments[0].Content, cards.VerbBulkResubmit)["runs"].([]any)
	if len(runs) != 1 || runs[0].(map[string]any)["runId"] != latest.ID {
		t.Errorf("resubmit <short id> asks about %v, want run %s", runs, latest.ID)
	}
}

// TestBulkResubmitRunsInTheBackground: "Resubmit all" on a flow with 40
// failed runs asks first; the confirm button is answered at once, before
// the work ends, and the card is updated in place with the progress and
// finally each run's result. Two clicks resubmit each run once.
func TestBulkResubmitRunsInTheBackground(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	w.signIn(t, adele)
	personal := w.drv.ConversationID(adele)
	d, err := w.ops.Dashboard(as(adele), "7d")
	must(t, err)
	failing := map[string]bool{}
	for _, f := range d.Failing {
		failing[f.Flow.ID] = true
	}
	list, err := w.ops.Flows(as(adele), ops.FlowQuery{Limit: 50})
	must(t, err)
	var flow flowdeck.Flow
	for _, f := range list.Items {
		if !failing[f.ID] {
			flow = f.Flow
			break
		}
	}
	if flow.ID == "" {
		t.Fatal("every flow is failing")
	}
	const n = 40
	for range n {
		_, err := w.cloud.PP.AddRun(flow.EnvironmentID, flow.ID, powerplatform.RunSpec{Start: time.Now().Add(-time.Minute)})
		must(t, err)
	}
	// `failed` would share the dashboard's answer of a moment ago (the
	// user's failure queries share one for a minute): start afresh.
	w.cloud.Overview.Forget(as(adele))

	r := w.ask(t, adele, "failed")
	var all map[string]any
	for _, x := range allActionData(t, r.Activity().Attachments[0].Content, cards.VerbBulkFailed) {
		if x["flowId"] == flow.ID {
			all = x
		}
	}
	if all == nil {
		t.Fatalf("no Resubmit all for %s: %s", flow.DisplayName, content(r))
	}
	card, text := cardOf(t, w.invoke(t, adele, r.ActivityID, cards.VerbBulkFailed, all, ""))
	if !strings.Contains(text, "Resubmit 40 runs?") {
		t.Fatalf("Resubmit all answered %s", text)
	}
	data := actionData(t, card, cards.VerbBulkResubmit)

	// Each resubmit takes a while upstream: the work outlasts the invoke.
	w.cloud.PP.SetFault(powerplatform.RouteRunsResubmit, powerplatform.Fault{Latency: 100 * time.Millisecond})
	before := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit)
	var texts [2]string
	var atAnswer [2]int
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			res := w.invoke(t, adele, r.ActivityID, cards.VerbBulkResubmit, data, "")
			atAnswer[i] = w.cloud.PP.Calls(powerplatform.RouteRunsResubmit) - before
			texts[i] = string(res.Body)
		})
	}
	wg.Wait()
	progress, already := 0, 0
	for i, text := range texts {
		switch {
		case strings.Contains(text, "0 of 40 done"):
			progress++
			if atAnswer[i] >= n {
				t.Errorf("the invoke was answered after all %d resubmits", atAnswer[i])
			}
		case strings.Contains(text, "already resubmitted"):
			already++
		default:
			t.Errorf("answer: %s", text)
		}
	}
	if progress != 1 || already != 1 {
		t.Fatalf("%d progress and %d already-done answers, want 1 and 1", progress, already)
	}
	done := waitRecord(t, w, personal, 0, func(rec connector.Record) bool {
		return rec.Op == connector.OpUpdate && rec.ActivityID == r.ActivityID && strings.Contains(content(rec), "40 of 40 runs resubmitted")
	})
	if got := strings.Count(content(done), "✅"); got != n {
		t.Errorf("the final card shows %d resubmitted runs, want %d", got, n)
	}
	if calls := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit) - before; calls != n {
		t.Errorf("%d resubmits upstream for two clicks on a 40-run card, want %d", calls, n)
	}
	inPlace := 0
	for _, rec := range w.conn.Records(personal) {
		if rec.Op == connector.OpUpdate && rec.ActivityID == r.ActivityID && strings.Contains(content(rec), " of 40 done") {
			inPlace++
		}
	}
	if inPlace == 0 {
		t.Error("no progress update of the card in place")
	}
}
