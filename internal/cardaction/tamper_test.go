package cardaction_test

import (
	"context"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

func TestTamperedDataSendsNothingUpstream(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	as := f.pending(t)
	a, other := f.otherApprover(t, as)
	f.signIn(t, other)
	id, err := f.h.PostApproval(t.Context(), f.personal(adele), a, nil)
	check(t, err)
	var b = as[0]
	if b.ID == a.ID {
		b = as[1]
	}
	script := "<script>alert(1)</script>"
	with := func(k string, v any) map[string]any {
		d := approvalData(a, a.Options[0], "ok")
		d[k] = v
		return d
	}
	cases := []struct {
		name    string
		replyTo string
		data    map[string]any
	}{
		{"another approval id than the card's", id, approvalData(b, b.Options[0], "ok")},
		{"another card id", "1732553375999", approvalData(a, a.Options[0], "ok")},
		{"no card id", "", approvalData(a, a.Options[0], "ok")},
		{"a response that is not an option", id, with("response", "Maybe")},
		{"a comment over 1,000 characters", id, with("comment", strings.Repeat("é", 1001))},
		{"HTML in the comment", id, with("comment", "fine "+script)},
		{"an image tag", id, with("comment", `<img src=x onerror="alert(1)">`)},
		{"a control character", id, with("comment", "a\x00b")},
		{"a number for the id", id, with("approvalId", 42)},
		{"a bool for the response", id, with("response", true)},
		{"a list for the comment", id, with("comment", []any{"x"})},
		{"an object for the environment", id, with("environmentId", map[string]any{"x": 1})},
		{"an unknown field", id, with("approverId", other.ID)},
		{"a path in the id", id, with("approvalId", "../../approvals/"+b.ID)},
		{"no data", id, nil},
	}
	before := len(f.cloud.PP.Requests())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ans := f.act(t, adele, c.replyTo, cards.VerbApprovalRespond, c.data, true)
			wantCard(t, ans, "FlowDeck did not do that")
			if strings.Contains(ans.text(), "alert(1)") || strings.Contains(ans.text(), "<") {
				t.Errorf("the error card echoes the input: %s", ans.Value)
			}
		})
	}

	t.Run("another user's card", func(t *testing.T) {
		// The other approver presses a copy of Adele's card in their own chat…
		ans := f.act(t, other, id, cards.VerbApprovalRespond, approvalData(a, a.Options[0], "as Adele"), true)
		wantCard(t, ans, "FlowDeck did not do that")
		// …or sends an invoke that claims to come from Adele's chat.
		act := f.drv.Activity(other, "invoke")
		act["name"], act["replyToId"] = "adaptiveCard/action", id
		act["conversation"].(map[string]any)["id"] = f.drv.ConversationID(adele)
		act["value"] = map[string]any{"trigger": "manual", "action": map[string]any{"type": "Action.Execute",
			"verb": cards.VerbApprovalRespond, "data": approvalData(a, a.Options[0], "as Adele")}}
		res, err := f.drv.Send(context.Background(), act)
		check(t, err)
		if res.Status != 200 || !strings.Contains(string(res.Body), "someone else") {
			t.Errorf("answer = %d %s", res.Status, res.Body)
		}
	})

	t.Run("an unknown verb", func(t *testing.T) {
		if cardaction.Owns("approval.delete") {
			t.Errorf("the table has approval.delete")
		}
		ans := f.act(t, adele, id, "approval.delete", approvalData(a, a.Options[0], ""), true)
		if ans.HTTP != 200 || ans.StatusCode != 400 {
			t.Errorf("answer = HTTP %d %d %s", ans.HTTP, ans.StatusCode, ans.Type)
		}
	})

	if n := len(f.cloud.PP.Requests()) - before; n != 0 {
		t.Errorf("%d upstream requests for tampered actions, want 0", n)
	}
	if n := f.cloud.PP.Calls(powerplatform.RouteApprovalsRespond); n != 0 {
		t.Errorf("%d respond calls", n)
	}
	// The genuine action still works afterwards.
	wantCard(t, f.act(t, adele, id, cards.VerbApprovalRespond, approvalData(a, a.Options[0], "genuine"), true), "You answered")
}
