package systemtest

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/localcloud"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
)

// TestSecurityConfusedDeputy presses the buttons of Adele's approval card as
// other people: FlowDeck acts as whoever pressed (the token Power Platform
// gets is theirs, never Adele's); someone without rights gets a clear
// answer and nothing changes; data naming another tenant's flow is refused;
// and an activity from another tenant that carries Adele's object id borrows
// none of her tokens.
func TestSecurityConfusedDeputy(t *testing.T) {
	ten := powerplatform.Demo(time.Now())
	c := localtest.Config(t)
	c.AllowedTenants = []string{demo.TenantID, demo.OtherTenantID}
	s := newSecurityStack(t, localcloud.StackOptions{Config: c, Tenant: ten})
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	pp := s.Cloud.PowerPlatform
	adele := demo.Users()[0]
	s.secSignIn(ctx, t, adele)
	ap, cardID := s.postApprovalCard(ctx, t, adele)
	fa, err := pp.Approval(ap.ID)
	if err != nil {
		t.Fatal(err)
	}
	var outsider, coApprover demo.User
	for _, u := range demo.UsersOf(demo.TenantID)[1:] {
		switch {
		case !slices.Contains(fa.Approvers, u.ID) && fa.OwnerID != u.ID && outsider.ID == "":
			outsider = u
		case slices.Contains(fa.Approvers, u.ID) && coApprover.ID == "":
			coApprover = u
		}
	}
	if outsider.ID == "" {
		t.Fatal("every demo user may answer the approval")
	}

	// press sends an approval.respond from "from" on Adele's card and
	// returns the answer and every Power Platform request it caused.
	press := func(from demo.User, inv map[string]any) (int, string, string, []powerplatform.LoggedRequest) {
		t.Helper()
		pp.ResetRequests()
		res, err := s.Driver.Send(ctx, inv)
		if err != nil || res.Status != http.StatusOK {
			t.Fatalf("%s presses: %v, %d %s", from.Name, err, res.Status, res.Body)
		}
		code, typ, v := cardAnswer(t, res.Body)
		return code, typ, v, pp.Requests()
	}
	onlyAs := func(who demo.User, reqs []powerplatform.LoggedRequest) {
		t.Helper()
		for _, r := range reqs {
			if r.UserOID != who.ID || r.TenantID != who.TenantID {
				t.Errorf("Power Platform got %s %s as %s/%s, want only %s's token", r.Method, r.Path, r.TenantID, r.UserOID, who.Name)
			}
		}
	}

	// Someone who may not answer it, signed in: told so, nothing changes.
	s.secSignIn(ctx, t, outsider)
	code, typ, v, reqs := press(outsider, s.approvalAction(outsider, adele, cardID, ap))
	onlyAs(outsider, reqs)
	if pp.Calls(powerplatform.RouteApprovalsRespond) != 0 {
		t.Errorf("%s's press answered the approval upstream", outsider.Name)
	}
	if code == http.StatusOK && strings.Contains(typ, "card.adaptive") && strings.Contains(v, cards.VerbApprovalRespond) {
		t.Errorf("%s got the actionable card back: %.300s", outsider.Name, v)
	}
	if !strings.Contains(v, "forbidden") || !strings.Contains(v, "someone else") {
		t.Errorf("%s got no clear refusal (%d %s %.300s)", outsider.Name, code, typ, v)
	}
	t.Logf("%s pressing Adele's button: %d %s %.700s", outsider.Name, code, typ, v)
	if now, _ := pp.Approval(ap.ID); len(now.Responses) != len(fa.Responses) {
		t.Errorf("the approval changed: %d responses, had %d", len(now.Responses), len(fa.Responses))
	}

	// Someone who may: FlowDeck answers as them, never as Adele.
	if coApprover.ID != "" {
		s.secSignIn(ctx, t, coApprover)
		_, _, _, reqs = press(coApprover, s.approvalAction(coApprover, adele, cardID, ap))
		onlyAs(coApprover, reqs)
		now, _ := pp.Approval(ap.ID)
		for _, r := range now.Responses {
			if r.UserID == adele.ID {
				t.Errorf("the approval holds a response of Adele's that she never gave")
			}
		}
	}

	// Data naming a flow of Fabrikam's, on Adele's own card, as Adele.
	var fabEnv, fabFlow string
	for _, f := range ten.Flows {
		for _, e := range ten.Environments {
			if e.Name == f.Environment && e.TenantID == demo.OtherTenantID && fabFlow == "" {
				fabEnv, fabFlow = e.Name, f.Name
			}
		}
	}
	for _, verb := range []string{cards.VerbAlertTurnOff, cards.VerbAlertResubmit} {
		inv := s.approvalAction(adele, adele, cardID, ap)
		inv["value"].(map[string]any)["action"] = map[string]any{"type": "Action.Execute", "verb": verb,
			"data": map[string]any{"environmentId": fabEnv, "flowId": fabFlow, "runId": "08584000000000000000000000000CU00", "confirm": true}}
		code, typ, v, reqs := press(adele, inv)
		for _, r := range reqs {
			if strings.Contains(r.Path, fabEnv) && r.Status/100 == 2 {
				t.Errorf("%s: Power Platform answered %s %s for Adele", verb, r.Method, r.Path)
			}
		}
		if pp.Calls(powerplatform.RouteFlowsStop)+pp.Calls(powerplatform.RouteRunsResubmit) != 0 {
			t.Errorf("%s on Fabrikam's flow reached Power Platform's write API", verb)
		}
		if code == http.StatusOK && strings.Contains(typ, "card.adaptive") && !strings.Contains(strings.ToLower(v), "not") {
			t.Logf("%s on Fabrikam's flow answered %d %s %.200s", verb, code, typ, v)
		}
	}
	if st, _, err := pp.FlowState(fabEnv, fabFlow); err != nil || st != powerplatform.StateStarted {
		t.Errorf("Fabrikam's flow is %s (%v), want still started", st, err)
	}

	// Adele's object id from Fabrikam (a tenant FlowDeck serves): a
	// principal of its own, with none of Adele's tokens.
	twin := demo.User{ID: adele.ID, TenantID: demo.OtherTenantID, Name: "Adele's twin", UPN: "twin@" + demo.OtherTenantDomain}
	pp.ResetRequests()
	msg := s.Driver.Activity(twin, "message")
	twinChat := "a:1twin-" + demo.OtherTenantID // Teams' ids are per tenant; the driver's derive from the oid only
	msg["text"], msg["conversation"] = "approvals", map[string]any{"conversationType": "personal", "tenantId": twin.TenantID, "id": twinChat}
	if res, err := s.Driver.Send(ctx, msg); err != nil || res.Status != http.StatusOK {
		t.Fatalf("twin's message: %v, %d", err, res.Status)
	}
	recs := waitForMessages(ctx, t, s, twinChat, 1)
	if body := string(recs[0].Raw); strings.Contains(body, ap.ID) || !strings.Contains(strings.ToLower(body), "sign in") {
		t.Errorf("Adele's twin got %.400s, want a sign-in prompt", body)
	}
	code, typ, v, reqs = press(twin, s.approvalAction(twin, adele, cardID, ap))
	if len(reqs) != 0 || pp.Calls(powerplatform.RouteApprovalsRespond) != 0 {
		t.Errorf("Adele's twin reached Power Platform: %+v", reqs)
	}
	t.Logf("Adele's twin pressing her button: %d %s %.200s", code, typ, v)
}

// TestSecurityTenantNotAllowedAtTheBot: a Fabrikam user talking to a
// FlowDeck set up for Contoso only is refused before anything is done.
func TestSecurityTenantNotAllowedAtTheBot(t *testing.T) {
	s := newSecurityStack(t, localcloud.StackOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	fab := demo.UsersOf(demo.OtherTenantID)[0]
	res, err := s.Driver.Say(ctx, fab, "flows")
	if err != nil || res.Status != http.StatusForbidden {
		t.Errorf("Fabrikam's message: %v, %d, want 403", err, res.Status)
	}
	inv := s.Driver.Activity(fab, "invoke")
	inv["name"] = "adaptiveCard/action"
	inv["value"] = map[string]any{"action": map[string]any{"type": "Action.Execute", "verb": cards.VerbApprovalRefresh, "data": map[string]any{}}}
	res, err = s.Driver.Send(ctx, inv)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("Fabrikam's card action: %v, %d", err, res.Status)
	}
	if code, _, _ := cardAnswer(t, res.Body); code != http.StatusForbidden {
		t.Errorf("Fabrikam's card action answered %d, want 403", code)
	}
	if n := len(s.Cloud.PowerPlatform.Requests()); n != 0 {
		t.Errorf("%d Power Platform requests", n)
	}
	if n := len(s.Cloud.Connector.Records(s.Driver.ConversationID(fab))); n != 0 {
		t.Errorf("%d connector operations in Fabrikam's chat", n)
	}
}
