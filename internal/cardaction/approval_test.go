package cardaction_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// pending returns Adele's pending approvals as she sees them.
func (f *fixture) pending(t *testing.T) []flowdeck.Approval {
	t.Helper()
	rep, err := f.ops.Approvals(cloudtest.As(cloudtest.Adele()), flowdeck.RoleApprover, true)
	check(t, err)
	if len(rep.Approvals) < 3 {
		t.Fatalf("%d pending approvals, want at least 3", len(rep.Approvals))
	}
	return rep.Approvals
}

// otherApprover returns an approval of as that another demo user also
// approves (and that one response completes unless types says otherwise), and that user.
func (f *fixture) otherApprover(t *testing.T, as []flowdeck.Approval, types ...string) (flowdeck.Approval, demo.User) {
	t.Helper()
	for _, a := range as {
		fa, err := f.cloud.PP.Approval(a.ID)
		check(t, err)
		if len(types) > 0 && !slices.Contains(types, fa.Type) {
			continue
		}
		for _, u := range demo.Users() {
			if u.ID != cloudtest.Adele().ID && slices.Contains(fa.Approvers, u.ID) {
				return a, u
			}
		}
	}
	t.Fatal("no pending approval with a second approver")
	return flowdeck.Approval{}, demo.User{}
}

func updates(recs []connector.Record, activityID string) int {
	n := 0
	for _, r := range recs {
		if r.Op == connector.OpUpdate && r.ActivityID == activityID {
			n++
		}
	}
	return n
}

func TestApproveUpdatesEveryCardAndRefreshShowsIt(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	a, other := f.otherApprover(t, f.pending(t))
	f.signIn(t, other)
	ctx := t.Context()
	idA, err := f.h.PostApproval(ctx, f.personal(adele), a, []string{f.drv.UserMRI(adele)})
	check(t, err)
	idB, err := f.h.PostApproval(ctx, f.personal(other), a, nil)
	check(t, err)

	ans := f.act(t, adele, idA, cards.VerbApprovalRespond, approvalData(a, a.Options[0], "Looks good, ship it"), true)
	wantCard(t, ans, "You answered", "Looks good, ship it")
	if n := f.cloud.PP.Calls(powerplatform.RouteApprovalsRespond); n != 1 {
		t.Errorf("%d respond calls upstream, want 1", n)
	}
	fa, err := f.cloud.PP.Approval(a.ID)
	check(t, err)
	if len(fa.Responses) == 0 || fa.Responses[len(fa.Responses)-1].UserID != adele.ID || fa.Responses[len(fa.Responses)-1].Comments != "Looks good, ship it" {
		t.Errorf("upstream responses = %+v", fa.Responses)
	}
	for _, c := range []struct{ conv, id string }{{f.drv.ConversationID(adele), idA}, {f.drv.ConversationID(other), idB}} {
		recs := f.waitUpdates(t, c.conv, c.id, 1)
		if updates(recs, c.id) != 1 {
			t.Errorf("conversation %s: %d updates of the card, want 1", c.conv, updates(recs, c.id))
		}
		if last := recs[len(recs)-1]; !strings.Contains(string(last.Raw), "Looks good, ship it") {
			t.Errorf("the updated card does not show the answer: %s", last.Raw)
		}
	}

	// The other approver's refresh shows Adele's answer, as they see it.
	ref := f.act(t, other, idB, cards.VerbApprovalRefresh, approvalData(a, "", ""), true)
	wantCard(t, ref, "adelev@", "Looks good, ship it")
	if strings.Contains(ref.text(), "You answered") {
		t.Errorf("the other approver's view says they answered: %s", ref.Value)
	}

	// A double click: the second answers with the card, nothing more upstream.
	again := f.act(t, adele, idA, cards.VerbApprovalRespond, approvalData(a, a.Options[0], "Looks good, ship it"), true)
	wantCard(t, again, "Looks good, ship it")
	if n := f.cloud.PP.Calls(powerplatform.RouteApprovalsRespond); n != 1 {
		t.Errorf("after a double click: %d respond calls, want 1", n)
	}
}

func TestConcurrentClicksRespondOnce(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	as := f.pending(t)
	for i, a := range as[:2] {
		id, err := f.h.PostApproval(t.Context(), f.personal(adele), a, nil)
		check(t, err)
		before := f.cloud.PP.Calls(powerplatform.RouteApprovalsRespond)
		const clicks = 4 // two Teams clients, each double-clicking
		answers := make([]answer, clicks)
		var wg sync.WaitGroup
		for j := range clicks {
			wg.Go(func() {
				answers[j] = f.act(t, adele, id, cards.VerbApprovalRespond, approvalData(a, a.Options[0], "once"), i == 0)
			})
		}
		wg.Wait()
		for _, ans := range answers {
			wantCard(t, ans)
		}
		if n := f.cloud.PP.Calls(powerplatform.RouteApprovalsRespond) - before; n != 1 {
			t.Errorf("approval %d: %d respond calls for %d concurrent clicks, want 1", i, n, clicks)
		}
		fa, err := f.cloud.PP.Approval(a.ID)
		check(t, err)
		mine := 0
		for _, r := range fa.Responses {
			if r.UserID == adele.ID {
				mine++
			}
		}
		if mine != 1 {
			t.Errorf("approval %d: %d responses by Adele upstream", i, mine)
		}
	}
}

func TestAnsweredElsewhereShowsTheFinalCard(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	a, other := f.otherApprover(t, f.pending(t), powerplatform.ApprovalBasic, powerplatform.ApprovalBasicAwaitAll, powerplatform.ApprovalCustom)
	id, err := f.h.PostApproval(t.Context(), f.personal(adele), a, nil)
	check(t, err)
	resp := "Reject"
	if !slices.Contains(a.Options, resp) {
		resp = a.Options[0]
	}
	check(t, f.cloud.PP.RespondElsewhere(a.ID, other.ID, resp, "answered in Outlook"))

	ref := f.act(t, adele, id, cards.VerbApprovalRefresh, approvalData(a, "", ""), true)
	wantCard(t, ref, "Outcome", "answered in Outlook")
	if strings.Contains(ref.text(), cards.VerbApprovalRespond) {
		t.Errorf("the final card still has buttons: %s", ref.Value)
	}
	// The card in the chat was brought up to date as well.
	if n := updates(f.waitUpdates(t, f.drv.ConversationID(adele), id, 1), id); n != 1 {
		t.Errorf("%d in-place updates after the refresh found a change, want 1", n)
	}
	// Pressing a button on a stale card: the final card, no error.
	ans := f.act(t, adele, id, cards.VerbApprovalRespond, approvalData(a, a.Options[0], ""), false)
	wantCard(t, ans, "Outcome")
}

func TestNoTokenAsksToSignIn(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele, nestor := cloudtest.Adele(), demo.Users()[5]
	f.signIn(t, adele)
	a := f.pending(t)[0]
	id, err := f.h.PostApproval(t.Context(), f.personal(nestor), a, nil)
	check(t, err)
	before := len(f.cloud.PP.Requests())

	// Teams (with a trigger): 401 loginRequest, SSO inside the card.
	ans := f.act(t, nestor, id, cards.VerbApprovalRespond, approvalData(a, a.Options[0], ""), true)
	if ans.HTTP != 200 || ans.StatusCode != 401 || ans.Type != botframework.ContentTypeLoginRequest {
		t.Fatalf("answer = HTTP %d %d %s", ans.HTTP, ans.StatusCode, ans.Type)
	}
	for _, w := range []string{signInPage, `"type":"signin"`, `"tokenExchangeResource"`, "api://flowdeck.test/botid-"} {
		if !strings.Contains(ans.text(), w) {
			t.Errorf("loginRequest lacks %s: %s", w, ans.Value)
		}
	}
	// The Agents Playground (no trigger): a sign-in card.
	pg := f.act(t, nestor, id, cards.VerbApprovalRefresh, approvalData(a, "", ""), false)
	wantCard(t, pg, "Sign in to FlowDeck", signInPage, cards.VerbApprovalRefresh)
	if n := len(f.cloud.PP.Requests()) - before; n != 0 {
		t.Errorf("%d upstream requests for a user without tokens", n)
	}
}

func TestSSOInsideTheCard(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele, nestor := cloudtest.Adele(), demo.Users()[5]
	f.signIn(t, adele)
	a := f.pending(t)[0]
	id, err := f.h.PostApproval(t.Context(), f.personal(nestor), a, nil)
	check(t, err)
	repeat := func(token string) answer {
		act := f.drv.Activity(nestor, "invoke")
		act["name"], act["replyToId"] = "adaptiveCard/action", id
		act["value"] = map[string]any{"trigger": "manual",
			"action":         map[string]any{"type": "Action.Execute", "verb": cards.VerbApprovalRefresh, "data": approvalData(a, "", "")},
			"authentication": map[string]any{"id": "x", "connectionName": "sso", "token": token}}
		res, err := f.drv.Send(t.Context(), act)
		check(t, err)
		var ans answer
		check(t, res.JSON(&ans))
		ans.HTTP = res.Status
		return ans
	}
	// A token that is not an SSO token: 412, the client falls back to its button.
	if ans := repeat("not-a-token"); ans.HTTP != 200 || ans.StatusCode != 412 {
		t.Errorf("bad token: HTTP %d %d %s", ans.HTTP, ans.StatusCode, ans.Type)
	}
	// Teams repeats the invoke with the user's SSO token: signed in, answered.
	tok, err := f.cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: nestor.TenantID, UserID: nestor.ID, Version: 2})
	check(t, err)
	ans := repeat(tok)
	if ans.StatusCode == 401 || ans.StatusCode == 412 {
		t.Fatalf("after SSO: %d %s %s", ans.StatusCode, ans.Type, ans.Value)
	}
	if _, err := f.broker.Token(t.Context(), principal(nestor), "flow"); err != nil {
		t.Errorf("no stored token after SSO in the card: %v", err)
	}
}
