package bot_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// These tests drive card actions through the real botframework endpoint,
// which hands adaptiveCard/action invokes to the card-action router and the
// rest to the bot, against the fake Power Platform and Bot Connector.

// bulkConfirm asks u's bot to resubmit a failed run and returns the confirm
// card's record and its bulk.resubmit data.
func (w *world) bulkConfirm(t *testing.T, u demo.User) (connector.Record, map[string]any) {
	t.Helper()
	d, err := w.ops.Dashboard(as(u), "7d")
	must(t, err)
	if len(d.Failing) == 0 {
		t.Fatal("no failing flow")
	}
	r := w.ask(t, u, "resubmit "+d.Failing[0].Latest.ID)
	return r, actionData(t, r.Activity().Attachments[0].Content, cards.VerbBulkResubmit)
}

// invoke sends an adaptiveCard/action as u on the card replyTo, with
// value.authentication.token when ssoToken is set (Teams repeating the
// action after a loginRequest).
func (w *world) invoke(t *testing.T, u demo.User, replyTo, verb string, data map[string]any, ssoToken string) connector.Result {
	t.Helper()
	act := w.drv.Activity(u, "invoke")
	act["name"], act["replyToId"] = botframework.InvokeAdaptiveCardAction, replyTo
	v := map[string]any{"trigger": "manual", "action": map[string]any{"type": "Action.Execute", "verb": verb, "data": data}}
	if ssoToken != "" {
		v["authentication"] = map[string]any{"id": "8769-xyz", "connectionName": "sso", "token": ssoToken}
	}
	act["value"] = v
	res, err := w.drv.Send(waitCtx(t), act)
	must(t, err)
	return res
}

// body is a decoded adaptiveCard/action invoke response.
type body struct {
	StatusCode int    `json:"statusCode"`
	Type       string `json:"type"`
	Value      struct {
		Text                  string `json:"text"`
		ConnectionName        string `json:"connectionName"`
		TokenExchangeResource *struct {
			ID         string  `json:"id"`
			URI        string  `json:"uri"`
			ProviderID *string `json:"providerId"`
		} `json:"tokenExchangeResource"`
		Buttons []struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"buttons"`
	} `json:"value"`
}

// wantLoginRequest fails unless res is the one sign-in policy's answer: HTTP
// 200, a 401 loginRequest with a tokenExchangeResource for silent SSO and a
// signin button to the sign-in page.
func wantLoginRequest(t *testing.T, what string, res connector.Result) {
	t.Helper()
	var b body
	if res.Status != http.StatusOK || res.JSON(&b) != nil {
		t.Fatalf("%s: HTTP %d %s", what, res.Status, res.Body)
	}
	if b.StatusCode != http.StatusUnauthorized || b.Type != botframework.ContentTypeLoginRequest {
		t.Fatalf("%s: %d %s, want a 401 loginRequest: %s", what, b.StatusCode, b.Type, res.Body)
	}
	x := b.Value.TokenExchangeResource
	if x == nil || x.ID == "" || x.URI != demo.AppIDURI || x.ProviderID == nil || b.Value.ConnectionName == "" {
		t.Errorf("%s: tokenExchangeResource = %+v, connectionName %q; want {id, uri %s, providerId}", what, x, b.Value.ConnectionName, demo.AppIDURI)
	}
	if len(b.Value.Buttons) != 1 || b.Value.Buttons[0].Type != "signin" || !strings.Contains(b.Value.Buttons[0].Value, "/auth/start?s=") {
		t.Errorf("%s: buttons = %+v, want one signin button to the sign-in page", what, b.Value.Buttons)
	}
}

// TestBulkConfirmClickedTwiceResubmitsOnce: two clicks on a bulk confirm
// card (a double click, or two clients) resubmit the run once upstream; the
// second click is told, and a third, later click too.
func TestBulkConfirmClickedTwiceResubmitsOnce(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	w.signIn(t, adele)
	r, data := w.bulkConfirm(t, adele)
	before := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit)

	var results [3]connector.Result
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() { results[i] = w.invoke(t, adele, r.ActivityID, cards.VerbBulkResubmit, data, "") })
	}
	wg.Wait()
	results[2] = w.invoke(t, adele, r.ActivityID, cards.VerbBulkResubmit, data, "")
	if n := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit) - before; n != 1 {
		t.Fatalf("%d resubmits upstream for three clicks on one confirm card, want 1", n)
	}
	resubmitted, already := 0, 0
	for _, res := range results {
		_, text := cardOf(t, res)
		switch {
		case strings.Contains(text, "1 of 1 run resubmitted"):
			resubmitted++
		case strings.Contains(text, "already resubmitted from this card"):
			already++
		default:
			t.Errorf("answer: %s", text)
		}
	}
	if resubmitted != 1 || already != 2 {
		t.Errorf("%d resubmitted and %d already-done answers, want 1 and 2", resubmitted, already)
	}

	// A new confirm card for the same run is a new request: it resubmits.
	r2, data2 := w.bulkConfirm(t, adele)
	if _, text := cardOf(t, w.invoke(t, adele, r2.ActivityID, cards.VerbBulkResubmit, data2, "")); !strings.Contains(text, "resubmitted") {
		t.Errorf("a new confirm card: %s", text)
	}
	if n := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit) - before; n != 2 {
		t.Errorf("%d resubmits after a second confirm card, want 2", n)
	}
}

// TestCardActionsHaveOneSignInPolicy: a signed-out user pressing any
// button (an approval's, a bulk confirm's, a pick) gets the in-card
// loginRequest, never an OAuth card in the personal chat; Teams repeating
// the action with value.authentication.token signs them in and runs it; a
// token that names someone else runs nothing.
func TestCardActionsHaveOneSignInPolicy(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	cid := w.drv.ConversationID(adele)
	w.signIn(t, adele)
	rep, err := w.ops.Approvals(as(adele), flowdeck.RoleApprover, true)
	must(t, err)
	a := rep.Approvals[0]
	conv := flowdeck.ConversationRef{TenantID: adele.TenantID, ConversationID: cid, Scope: flowdeck.ScopePersonal,
		UserID: adele.ID, ServiceURL: w.conn.ServiceURL(), BotID: "28:" + demo.ClientID, ChannelID: "msteams"}
	approvalCard, err := w.router.PostApproval(t.Context(), conv, a, nil)
	must(t, err)
	bulk, bulkData := w.bulkConfirm(t, adele)
	if r := w.ask(t, adele, "signout"); !strings.Contains(r.Activity().Text, "signed out") {
		t.Fatalf("signout: %s", r.Activity().Text)
	}
	records := len(w.conn.Records(cid))
	upstream := len(w.cloud.PP.Requests())

	approvalData := map[string]any{"approvalId": a.ID, "environmentId": a.EnvironmentID}
	wantLoginRequest(t, "approval.refresh", w.invoke(t, adele, approvalCard, cards.VerbApprovalRefresh, approvalData, ""))
	wantLoginRequest(t, "bulk.resubmit", w.invoke(t, adele, bulk.ActivityID, cards.VerbBulkResubmit, bulkData, ""))
	wantLoginRequest(t, "pick", w.invoke(t, adele, bulk.ActivityID, cards.VerbPick, map[string]any{"command": "runs invoice", "choice": "x"}, ""))
	wantLoginRequest(t, "signin", w.invoke(t, adele, bulk.ActivityID, cards.VerbSignIn, nil, ""))
	if n := len(w.cloud.PP.Requests()) - upstream; n != 0 {
		t.Errorf("%d upstream requests for a signed-out user's buttons, want 0", n)
	}
	if n := len(w.conn.Records(cid)) - records; n != 0 {
		t.Errorf("%d messages in the personal chat (an OAuth card?), want none", n)
	}

	// Someone else's SSO token: 412, Teams falls back to the button; nothing runs.
	megan := demo.Users()[1]
	res := w.invoke(t, adele, bulk.ActivityID, cards.VerbBulkResubmit, bulkData, w.sso(t, megan))
	if _, text := cardOf(t, res); !strings.Contains(text, `"statusCode":412`) {
		t.Errorf("another user's token: %s", text)
	}
	before := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit)
	if before != 0 {
		t.Errorf("%d resubmits before the sign-in", before)
	}

	// Teams repeats the action with Adele's SSO token: she is signed in and
	// the action runs.
	res = w.invoke(t, adele, bulk.ActivityID, cards.VerbBulkResubmit, bulkData, w.sso(t, adele))
	if _, text := cardOf(t, res); !strings.Contains(text, "1 of 1 run resubmitted") {
		t.Fatalf("after value.authentication: %s", text)
	}
	if n := w.cloud.PP.Calls(powerplatform.RouteRunsResubmit); n != 1 {
		t.Errorf("%d resubmits after the sign-in, want 1", n)
	}
	if _, text := cardOf(t, w.invoke(t, adele, approvalCard, cards.VerbApprovalRefresh, approvalData, "")); !strings.Contains(text, cards.VerbApprovalRespond) {
		t.Errorf("the approval after the sign-in: %s", text)
	}
}

// TestInvokerDoesNotWaitForOtherConversations: an approval's card lives in
// two chats; Teams is stuck on the other one. The approver still gets their
// card at once; the stuck update goes out once Teams answers, and each
// update is counted.
func TestInvokerDoesNotWaitForOtherConversations(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	w.signIn(t, adele)
	rep, err := w.ops.Approvals(as(adele), flowdeck.RoleApprover, true)
	must(t, err)
	a := rep.Approvals[0]
	ref := func(u demo.User) flowdeck.ConversationRef {
		return flowdeck.ConversationRef{TenantID: u.TenantID, ConversationID: w.drv.ConversationID(u), Scope: flowdeck.ScopePersonal,
			UserID: u.ID, ServiceURL: w.conn.ServiceURL(), BotID: "28:" + demo.ClientID, ChannelID: "msteams"}
	}
	other := demo.Users()[1]
	mine, err := w.router.PostApproval(t.Context(), ref(adele), a, nil)
	must(t, err)
	theirs, err := w.router.PostApproval(t.Context(), ref(other), a, nil)
	must(t, err)
	otherConv := w.drv.ConversationID(other)
	release := w.conn.Hold(otherConv)
	t.Cleanup(release)

	res := w.invoke(t, adele, mine, cards.VerbApprovalRespond,
		map[string]any{"approvalId": a.ID, "environmentId": a.EnvironmentID, "response": a.Options[0]}, "")
	if _, text := cardOf(t, res); !strings.Contains(text, "You answered") {
		t.Fatalf("the approver's answer: %s", text)
	}
	// Adele's own chat is updated; the other chat's update is still held.
	waitUpdate(t, w, w.drv.ConversationID(adele), mine)
	if n := updatesOf(w.conn.Records(otherConv), theirs); n != 0 {
		t.Fatalf("%d updates of the held conversation before Teams answered", n)
	}
	release()
	waitUpdate(t, w, otherConv, theirs)

	// Close drains the updates; both were counted.
	must(t, w.router.Close(t.Context()))
	ok := testutil.ToFloat64(w.cardMetrics.Updates.WithLabelValues("ok"))
	if ok != 2 {
		t.Errorf("flowdeck_card_updates_total{result=ok} = %v, want 2", ok)
	}
}

// updatesOf counts the in-place updates of activity id.
func updatesOf(recs []connector.Record, id string) int {
	n := 0
	for _, r := range recs {
		if r.Op == connector.OpUpdate && r.ActivityID == id {
			n++
		}
	}
	return n
}

// waitUpdate waits until the card id in conv has been updated in place.
func waitUpdate(t *testing.T, w *world, conv, id string) {
	t.Helper()
	ctx := waitCtx(t)
	for k := 1; ; k++ {
		recs, err := w.conn.WaitFor(ctx, conv, k)
		if err != nil {
			t.Fatalf("no update of %s in %s: %v", id, conv, err)
		}
		if updatesOf(recs, id) > 0 {
			return
		}
	}
}

// TestForgedCardDataGoesNowhere: bulk and flow.off data that the bot's cards
// never carry gets a safe error card, and nothing reaches Power Platform.
func TestForgedCardDataGoesNowhere(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	w.signIn(t, adele)
	r, data := w.bulkConfirm(t, adele)
	good := data["runs"].([]any)[0].(map[string]any)
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	many := make([]any, cards.MaxBulkRuns+1)
	for i := range many {
		many[i] = good
	}
	before := len(w.cloud.PP.Requests())
	for _, c := range []struct {
		name string
		verb string
		data map[string]any
	}{
		{"a run id that is no run id", cards.VerbBulkResubmit, map[string]any{"confirm": true, "runs": []any{with("runId", "../../x")}}},
		{"a flow id that is no GUID", cards.VerbBulkCancel, map[string]any{"confirm": true, "runs": []any{with("flowId", "x?y")}}},
		{"too many runs", cards.VerbBulkResubmit, map[string]any{"confirm": true, "runs": many}},
		{"an extra field", cards.VerbBulkResubmit, map[string]any{"confirm": true, "runs": []any{good}, "as": "admin"}},
		{"runs not a list", cards.VerbBulkResubmit, map[string]any{"confirm": true, "runs": "all"}},
		{"flow.off of no flow", cards.VerbFlowOff, map[string]any{"confirm": true, "environmentId": "x", "flowId": "y"}},
	} {
		if _, text := cardOf(t, w.invoke(t, adele, r.ActivityID, c.verb, c.data, "")); !strings.Contains(text, "FlowDeck did not do that") {
			t.Errorf("%s: %s", c.name, text)
		}
	}
	if n := len(w.cloud.PP.Requests()) - before; n != 0 {
		t.Errorf("%d upstream requests for forged card data, want 0", n)
	}
}

// TestFlowOffClickedTwiceTurnsOffOnce: the flow.off confirm button is
// state-changing: a second click on the same card changes nothing upstream.
func TestFlowOffClickedTwiceTurnsOffOnce(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	w.signIn(t, adele)
	list, err := w.ops.Flows(as(adele), ops.FlowQuery{State: "started", Limit: 1})
	must(t, err)
	flow := list.Items[0]
	r := w.ask(t, adele, "off "+flow.ID)
	data := actionData(t, r.Activity().Attachments[0].Content, cards.VerbFlowOff)
	before := w.cloud.PP.Calls(powerplatform.RouteFlowsStop)
	if _, text := cardOf(t, w.invoke(t, adele, r.ActivityID, cards.VerbFlowOff, data, "")); !strings.Contains(text, "is off") {
		t.Fatalf("first click: %s", text)
	}
	if _, text := cardOf(t, w.invoke(t, adele, r.ActivityID, cards.VerbFlowOff, data, "")); !strings.Contains(text, "already turned off from this card") {
		t.Errorf("second click: %s", text)
	}
	if n := w.cloud.PP.Calls(powerplatform.RouteFlowsStop) - before; n != 1 {
		t.Errorf("%d stop calls upstream for two clicks, want 1", n)
	}
}

// TestCardActionInAGroupAnswersPrivately: a More button and a bulk confirm
// pressed in a group chat answer with a note under the card, and the
// user's data goes to their personal chat, as the chat commands do.
func TestCardActionInAGroupAnswersPrivately(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	w.signIn(t, adele)
	personal := w.drv.ConversationID(adele)
	_, bulkData := w.bulkConfirm(t, adele)
	const group = "19:5a1c9c0e4b7a4d1e9b1e2f3a4b5c6d7e@thread.v2"
	press := func(verb string, data map[string]any) string {
		act := w.drv.Activity(adele, "invoke")
		act["conversation"] = map[string]any{"conversationType": "groupChat", "tenantId": adele.TenantID, "id": group, "isGroup": true}
		act["name"], act["replyToId"] = botframework.InvokeAdaptiveCardAction, "1"
		act["value"] = map[string]any{"trigger": "manual", "action": map[string]any{"type": "Action.Execute", "verb": verb, "data": data}}
		res, err := w.drv.Send(waitCtx(t), act)
		must(t, err)
		_, text := cardOf(t, res)
		return text
	}
	for _, c := range []struct {
		verb string
		data map[string]any
		want string
	}{
		{cards.VerbListMore, map[string]any{"command": "approvals", "cursor": "2"}, "Showing 3 of 5"},
		{cards.VerbBulkResubmit, bulkData, "1 of 1 run resubmitted"},
	} {
		n := len(w.conn.Records(personal))
		if text := press(c.verb, c.data); !strings.Contains(text, "personal chat") {
			t.Errorf("%s in a group: %s", c.verb, text)
		}
		if r := w.next(t, personal, n); !strings.Contains(content(r), c.want) {
			t.Errorf("%s: the personal chat got %s", c.verb, content(r))
		}
	}
	if n := len(w.conn.Records(group)); n != 0 {
		t.Errorf("%d records in the group, want none (the notes are invoke answers)", n)
	}
}
