package bot_test

import (
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// writes counts the calls that change something in Power Platform.
func (w *world) writes() int {
	n := 0
	for _, r := range []string{powerplatform.RouteApprovalsRespond, powerplatform.RouteRunsResubmit, powerplatform.RouteRunsCancel,
		powerplatform.RouteFlowsStop, powerplatform.RouteFlowsStart} {
		n += w.cloud.PP.Calls(r)
	}
	return n
}

// TestForgedChatActionDataGoesNowhere: the buttons of the chat that acts
// with forged or stale data (bad ids, another user's approval, a tampered
// run list, an unknown window) get a safe card, post no card and change
// nothing upstream.
func TestForgedChatActionDataGoesNowhere(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	megan := demo.Users()[1]
	w.signIn(t, adele)
	personal := w.drv.ConversationID(adele)
	envs, err := w.ops.Environments(as(adele))
	must(t, err)
	theirs, err := w.cloud.PP.AddApproval(powerplatform.Approval{Environment: envs[0].ID, Title: "Megan's own",
		OwnerID: megan.ID, Approvers: []string{megan.ID}})
	must(t, err)
	r, bulk := w.bulkConfirm(t, adele)
	good := bulk["runs"].([]any)[0].(map[string]any)
	run := func(k, v string) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	otherFlow := ""
	d, err := w.ops.Dashboard(as(adele), "7d")
	must(t, err)
	for _, f := range d.Failing {
		if f.Flow.ID != good["flowId"] {
			otherFlow = f.Flow.ID
		}
	}
	if otherFlow == "" {
		t.Fatal("one failing flow only")
	}
	env := good["environmentId"]

	before, records := w.writes(), len(w.conn.Records(personal))
	for _, c := range []struct {
		name string
		verb string
		data map[string]any
	}{
		{"another user's approval", cards.VerbApprovalOpen, map[string]any{"approvalId": theirs, "environmentId": env}},
		{"an approval id that is no GUID", cards.VerbApprovalOpen, map[string]any{"approvalId": "../x", "environmentId": env}},
		{"an approval with an extra field", cards.VerbApprovalOpen, map[string]any{"approvalId": theirs, "environmentId": env, "as": "admin"}},
		{"details of no run id", cards.VerbRunDetails, run("runId", "x")},
		{"resubmit all of no flow", cards.VerbBulkFailed, map[string]any{"environmentId": env, "flowId": "x", "window": "7d"}},
		{"resubmit all over a window no card offers", cards.VerbBulkFailed, map[string]any{"environmentId": env, "flowId": good["flowId"], "window": "1y"}},
		{"a run list naming a run that does not exist", cards.VerbBulkResubmit,
			map[string]any{"confirm": true, "runs": []any{good, run("runId", "08584000000000000000000000000CU99")}}},
		{"a run list moving a run to another flow", cards.VerbBulkResubmit, map[string]any{"confirm": true, "runs": []any{run("flowId", otherFlow)}}},
		{"cancelling a run that is not running", cards.VerbBulkCancel, map[string]any{"confirm": true, "runs": []any{good}}},
	} {
		// A flow that is not there as named is Power Platform's not found.
		if _, text := cardOf(t, w.invoke(t, adele, r.ActivityID, c.verb, c.data, "")); !strings.Contains(text, "FlowDeck did not do that") &&
			!strings.Contains(text, "does not exist or is not shared with you") {
			t.Errorf("%s: %s", c.name, text)
		}
	}
	if n := w.writes() - before; n != 0 {
		t.Errorf("%d changes upstream for forged card data, want 0", n)
	}
	if n := len(w.conn.Records(personal)) - records; n != 0 {
		t.Errorf("%d activities sent to the chat for forged card data, want 0", n)
	}
}
