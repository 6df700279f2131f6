package cardaction

import (
	"time"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// runDetails answers the Details button of a run row with the run's card:
// its actions, the failed one with its error, and Resubmit or Cancel.
func (rt *Router) runDetails(in *invocation) *botframework.InvokeResponse {
	d, err := parseRun(cards.VerbAlertResubmit, in.data)
	if err != nil {
		return errorCard(err, nil)
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	f, err := rt.o.Ops.Flow(in.ctx, d.EnvironmentID, d.FlowID)
	if err != nil {
		return rt.failedWith(in, err, in.data)
	}
	rd, err := rt.o.Ops.Run(in.ctx, d.EnvironmentID, d.FlowID, d.RunID)
	if err != nil {
		return rt.failedWith(in, err, in.data)
	}
	return rt.answer(in, cards.RunCard(f, rd.Run, rd.Actions, cards.Links{Tab: rt.o.TabLink, Portal: rt.o.Portal}))
}

// windows are the failures windows a bulk.failed button may name.
var windows = map[string]time.Duration{"24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour}

// bulkFailed answers "Resubmit all N failed" with the confirmation card of
// the flow's failed runs in the window (at most cards.MaxBulkRuns, newest
// first), read now as the invoker.
func (rt *Router) bulkFailed(in *invocation) *botframework.InvokeResponse {
	f := newFields(in.data, "environmentId", "flowId", "window")
	d := cards.BulkFailedData{EnvironmentID: f.str("environmentId", true), FlowID: f.str("flowId", true), Window: f.str("window", true)}
	f.match(d.EnvironmentID, envRE, "environment")
	f.match(d.FlowID, guidRE, "flow id")
	window, ok := windows[d.Window]
	if f.err == nil && !ok {
		f.err = invalid("This card does not carry a valid window; say failed to list your failures again.")
	}
	if f.err != nil {
		return errorCard(f.err, nil)
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	fl, err := rt.o.Ops.Flow(in.ctx, d.EnvironmentID, d.FlowID)
	if err != nil {
		return rt.failedWith(in, err, in.data)
	}
	page, err := rt.o.Ops.Runs(in.ctx, d.EnvironmentID, d.FlowID,
		flowdeck.RunFilter{Status: flowdeck.RunFailed, Since: rt.o.Now().Add(-window), Top: cards.MaxBulkRuns}, "")
	if err != nil {
		return rt.failedWith(in, err, in.data)
	}
	if len(page.Runs) == 0 {
		return botframework.MessageResponse("That flow has no failed runs left in the window. Say failed to see your failures now.")
	}
	return rt.answer(in, cards.BulkConfirmCard(cards.VerbBulkResubmit, page.Runs, map[string]string{fl.ID: fl.DisplayName}))
}
