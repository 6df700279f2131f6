package systemtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The reading tests (issue 15, point 6) check what users read when Power
// Platform answers as strictly as Microsoft does: a failed connector
// action's error read from its outputsLink, the data-policy sentence when a
// DLP policy blocks turning a flow on, and custom approval responses.

// noSignedLinks fails when text shows a content link's signature or host.
func (s *stack) noSignedLinks(t *testing.T, what, text string) {
	t.Helper()
	if strings.Contains(text, "sig=") || strings.Contains(text, s.Cloud.PowerPlatform.ContentHost()) {
		t.Errorf("%s shows a signed content link", what)
	}
}

func TestReadingFailedActionFromOutputsLink(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)
	s.watchAll(ctx, t, adele)
	s.failRun(t, adele)

	// The alert card names the failed action and its connector's error.
	alert := s.waitCards(ctx, t, adele, "The ledger did not answer.", 1)[0]
	for _, w := range []string{"Failed action", "ledger", "BadGateway"} {
		if !strings.Contains(string(alert.Raw), w) {
			t.Errorf("the alert does not say %q: %.900s", w, alert.Raw)
		}
	}
	s.noSignedLinks(t, "the alert", string(alert.Raw))

	// The tab's run details show the same error on the failed action.
	base := "/api/flows/" + url.PathEscape(faultEnv) + "/" + faultFlowID(adele) + "/runs"
	page := s.tab(ctx, t, adele, http.MethodGet, base+"?status=Failed", "")
	var runs flowdeck.RunPage
	if page.status != 200 || json.Unmarshal([]byte(page.body), &runs) != nil || len(runs.Runs) == 0 {
		t.Fatalf("failed runs = %d %.300s", page.status, page.body)
	}
	d := s.tab(ctx, t, adele, http.MethodGet, base+"/"+runs.Runs[0].ID, "")
	var detail struct {
		Actions []flowdeck.Action `json:"actions"`
		Failed  *flowdeck.Action  `json:"failedAction"`
	}
	if d.status != 200 || json.Unmarshal([]byte(d.body), &detail) != nil || detail.Failed == nil {
		t.Fatalf("run details = %d %.300s", d.status, d.body)
	}
	if detail.Failed.Name != "Post_to_ledger" || detail.Failed.ErrorCode != "BadGateway" || detail.Failed.ErrorMessage != "The ledger did not answer." {
		t.Errorf("failed action = %+v", *detail.Failed)
	}
	if len(detail.Actions) != 2 || detail.Actions[0].Name != "List_invoices" {
		t.Errorf("actions not in run order: %+v", detail.Actions)
	}
	s.noSignedLinks(t, "the run details", d.body)

	// Every read of the outputs went to the run-content host without a token.
	n := 0
	for _, r := range s.Cloud.PowerPlatform.Requests() {
		if r.Route == powerplatform.RouteContentGet {
			n++
			if r.Authorization || r.Status != 200 {
				t.Errorf("content read with authorization %v, status %d", r.Authorization, r.Status)
			}
		}
	}
	if n < 2 {
		t.Errorf("%d content reads, want the monitor's and the tab's", n)
	}
}

func TestReadingDLPSentence(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)
	state := "/api/flows/" + url.PathEscape(faultEnv) + "/" + faultFlowID(adele) + "/state"
	if a := s.tab(ctx, t, adele, http.MethodPost, state, `{"on":false}`); a.status != 200 {
		t.Fatalf("turn off = %d %.300s", a.status, a.body)
	}
	if err := s.Cloud.PowerPlatform.SetDLPPolicy(faultEnv, faultFlowID(adele), "Business data only"); err != nil {
		t.Fatal(err)
	}
	// The tab's flow toggle.
	a := s.tab(ctx, t, adele, http.MethodPost, state, `{"on":true}`)
	wantTabError(t, "turning on a flow under DLP", a, http.StatusForbidden, "data policy (DLP)", "Ask your Power Platform admin", "change the flow's connectors")
	// The bot's `on <flow>`.
	reply := s.ask(ctx, t, adele, "on "+faultFlowName(adele))
	for _, w := range []string{"data policy (DLP)", "Ask your Power Platform admin", "Open the flow in Power Automate", faultFlowID(adele) + "/details"} {
		if !strings.Contains(reply, w) {
			t.Errorf("the bot's answer to on does not say %q: %.500s", w, reply)
		}
	}
	if st, _, _ := s.Cloud.PowerPlatform.FlowState(faultEnv, faultFlowID(adele)); st != powerplatform.StateStopped {
		t.Errorf("flow state %s", st)
	}
}

func TestReadingCustomApprovalResponses(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)
	add := func(title string, options []string) string {
		id, err := s.Cloud.PowerPlatform.AddApproval(powerplatform.Approval{Environment: faultEnv, Title: title, Type: powerplatform.ApprovalCustom,
			Options: options, OwnerID: demo.Users()[5].ID, Approvers: []string{adele.ID}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	vendor := add("Pick a vendor", []string{"Contoso", "Fabrikam", "Need info"})
	unknown := add("Sign the lease", nil)

	// The tab lists the custom options, and none it cannot know.
	a := s.tab(ctx, t, adele, http.MethodGet, "/api/approvals?role=received&active=true", "")
	var rep flowdeck.ApprovalsReport
	if a.status != 200 || json.Unmarshal([]byte(a.body), &rep) != nil {
		t.Fatalf("approvals = %d %.300s", a.status, a.body)
	}
	byID := map[string]flowdeck.Approval{}
	for _, ap := range rep.Approvals {
		byID[ap.ID] = ap
	}
	if got := byID[vendor].Options; !slices.Equal(got, []string{"Contoso", "Fabrikam", "Need info"}) {
		t.Errorf("custom options = %v", got)
	}
	if got, ok := byID[unknown]; !ok || len(got.Options) != 0 || got.Link == "" {
		t.Errorf("approval without known options = %+v", got)
	}

	// Its card has one button per custom option; pressing one answers it.
	if _, err := s.Main.Parts().CardActions.PostApproval(ctx, s.personal(adele), byID[vendor], nil); err != nil {
		t.Fatal(err)
	}
	card := s.waitCards(ctx, t, adele, "Pick a vendor", 1)[0]
	for _, w := range []string{`"Need info"`, cards.VerbApprovalRespond} {
		if !strings.Contains(string(card.Raw), w) {
			t.Errorf("custom approval card lacks %s: %.600s", w, card.Raw)
		}
	}
	res, err := s.Driver.Send(ctx, s.approvalAction(adele, adele, card.ActivityID, byID[vendor]))
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("press Contoso: %v %d", err, res.Status)
	}
	if got, _ := s.Cloud.PowerPlatform.Approval(vendor); len(got.Responses) != 1 || got.Responses[0].Response != "Contoso" {
		t.Errorf("responses after pressing Contoso: %+v", got.Responses)
	}

	// The card of the other offers Power Automate instead of buttons that would fail.
	if _, err := s.Main.Parts().CardActions.PostApproval(ctx, s.personal(adele), byID[unknown], nil); err != nil {
		t.Fatal(err)
	}
	card = s.waitCards(ctx, t, adele, "Sign the lease", 1)[0]
	if raw := string(card.Raw); strings.Contains(raw, cards.VerbApprovalRespond) || !strings.Contains(raw, "Respond in Power Automate") ||
		!strings.Contains(raw, "Open in Power Automate") {
		t.Errorf("card without known options: %.800s", raw)
	}
	if n := s.Cloud.PowerPlatform.Calls(powerplatform.RouteApprovalsRespond); n != 1 {
		t.Errorf("%d responses sent, want only the Contoso one", n)
	}
}
