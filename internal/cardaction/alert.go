package cardaction

import (
	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// alertAction is one alert verb being answered.
type alertAction struct {
	in  *invocation
	d   cards.RunData
	key string
	// known is true when the action came from a recorded alert card (not,
	// say, the bot's run card); only then is the card updated in place.
	known bool
	al    cards.Alert
}

// alert answers alert.resubmit, alert.cancel, alert.turnoff and alert.mute.
func (rt *Router) alert(in *invocation) *botframework.InvokeResponse {
	d, err := parseRun(in.verb, in.data)
	if err != nil {
		return errorCard(err, nil)
	}
	x := &alertAction{in: in, d: d, key: AlertKey(d.EnvironmentID, d.FlowID, d.RunID)}
	if d.RunID != "" {
		_, cd, err := rt.cardOf(in, x.key)
		switch {
		case err == nil && cd.Alert != nil:
			x.known, x.al = true, *cd.Alert
		case err != nil && flowdeck.KindOf(err) != flowdeck.ErrInvalid:
			return errorCard(err, nil)
		}
	}
	if res := rt.ensureToken(in, d); res != nil {
		return res
	}
	if err := rt.loadAlert(x); err != nil {
		return errorCard(err, nil)
	}
	switch in.verb {
	case cards.VerbAlertResubmit:
		return rt.resubmit(x)
	case cards.VerbAlertCancel:
		return rt.cancel(x)
	case cards.VerbAlertTurnOff:
		return rt.turnOff(x)
	}
	return rt.mute(x)
}

// loadAlert fills in the flow and the run as they are now (as the invoker).
func (rt *Router) loadAlert(x *alertAction) error {
	ctx, d := x.in.ctx, x.d
	f, err := rt.o.Ops.Flow(ctx, d.EnvironmentID, d.FlowID)
	if err != nil {
		return err
	}
	x.al.Flow = f
	if d.RunID == "" {
		return nil
	}
	rd, err := rt.o.Ops.Run(ctx, d.EnvironmentID, d.FlowID, d.RunID)
	if err != nil {
		return err
	}
	x.al.Run = rd.Run
	if rd.Failed != nil && !x.known {
		x.al.FailedAction = *rd.Failed
	}
	return nil
}

func (rt *Router) alertOptions() cards.AlertOptions {
	return cards.AlertOptions{Tab: rt.o.TabLink, Portal: rt.o.Portal}
}

// done answers with the outcome of a successful action and, for a recorded
// card, updates it in place in every conversation keep accepts.
func (rt *Router) done(x *alertAction, out outcome, keep func(cardData) bool) *botframework.InvokeResponse {
	if x.known {
		al := x.al
		rt.updateEverywhere(x.in.ctx, x.key, keep,
			func(d *cardData) { d.Alert, d.Outcome = &al, &out },
			func(cardData) *cards.AdaptiveCard { return cards.AlertOutcome(al, out.card(), rt.alertOptions()) })
	}
	return botframework.CardResponse(cards.AlertOutcome(x.al, out.card(), rt.alertOptions()))
}

// failed answers the invoker (only) with what went wrong.
func (rt *Router) failed(x *alertAction, err error) *botframework.InvokeResponse {
	o := cards.Outcome{Verb: x.in.verb, By: x.in.person(), At: rt.o.Now(), Err: err}
	return botframework.CardResponse(cards.AlertOutcome(x.al, o, rt.alertOptions()))
}

func (rt *Router) outcome(x *alertAction) outcome {
	return outcome{Verb: x.in.verb, By: x.in.person(), At: rt.o.Now()}
}

// resubmit resubmits the run, once per card and run; a run that is not the
// flow's latest needs confirming first.
func (rt *Router) resubmit(x *alertAction) *botframework.InvokeResponse {
	ctx, d := x.in.ctx, x.d
	before, err := rt.recentRuns(x)
	if err != nil {
		return rt.failed(x, err)
	}
	if !d.Confirm && len(before) > 0 && before[0].ID != d.RunID {
		return botframework.CardResponse(cards.AlertConfirmResubmit(x.al, before[0], rt.alertOptions()))
	}
	ran, err := rt.claim(x.in, d.RunID, func() error {
		res, err := rt.o.Ops.Resubmit(ctx, d.EnvironmentID, d.FlowID, []string{d.RunID})
		return resultErr(res, err)
	})
	if err != nil {
		return rt.failed(x, err)
	}
	if !ran {
		return rt.already(x)
	}
	out := rt.outcome(x)
	if after, err := rt.recentRuns(x); err == nil {
		out.NewRunID = newRun(before, after, d.RunID)
	}
	return rt.done(x, out, nil)
}

// already answers a click whose change another click made: with what the
// card says now.
func (rt *Router) already(x *alertAction) *botframework.InvokeResponse {
	if _, cd, err := rt.cardOf(x.in, x.key); err == nil && cd.Outcome != nil && cd.Alert != nil {
		return botframework.CardResponse(cards.AlertOutcome(*cd.Alert, cd.Outcome.card(), rt.alertOptions()))
	}
	return botframework.CardResponse(cards.AlertCard(x.al, rt.alertOptions()))
}

// recentRuns returns the flow's newest runs, newest first.
func (rt *Router) recentRuns(x *alertAction) ([]flowdeck.Run, error) {
	page, err := rt.o.Ops.Runs(x.in.ctx, x.d.EnvironmentID, x.d.FlowID, flowdeck.RunFilter{Top: 10}, "")
	return page.Runs, err
}

// newRun returns the first run of after that is neither in before nor orig.
func newRun(before, after []flowdeck.Run, orig string) string {
	for _, r := range after {
		seen := r.ID == orig
		for _, b := range before {
			seen = seen || b.ID == r.ID
		}
		if !seen {
			return r.ID
		}
	}
	return ""
}

// cancel cancels a running run; a finished one gets an outcome card saying so.
func (rt *Router) cancel(x *alertAction) *botframework.InvokeResponse {
	d := x.d
	if x.al.Run.Finished() {
		return rt.failed(x, flowdeck.Errorf(flowdeck.ErrConflict,
			"the run has already finished (%s), so there is nothing to cancel", x.al.Run.Status))
	}
	ran, err := rt.claim(x.in, d.RunID, func() error {
		res, err := rt.o.Ops.Cancel(x.in.ctx, d.EnvironmentID, d.FlowID, []string{d.RunID})
		return resultErr(res, err)
	})
	if err != nil {
		return rt.failed(x, err)
	}
	if !ran {
		return rt.already(x)
	}
	x.al.Run.Status = flowdeck.RunCancelled
	return rt.done(x, rt.outcome(x), nil)
}

// turnOff turns the flow off after a confirmation.
func (rt *Router) turnOff(x *alertAction) *botframework.InvokeResponse {
	if x.al.Flow.State == flowdeck.FlowStopped {
		return rt.done(x, rt.outcome(x), nil)
	}
	if !x.d.Confirm {
		return botframework.CardResponse(cards.AlertConfirmTurnOff(x.al, rt.alertOptions()))
	}
	var f flowdeck.Flow
	ran, err := rt.claim(x.in, x.d.EnvironmentID+"/"+x.d.FlowID, func() error {
		var err error
		f, err = rt.o.Ops.SetFlowState(x.in.ctx, x.d.EnvironmentID, x.d.FlowID, false)
		return err
	})
	if err != nil {
		return rt.failed(x, err)
	}
	if !ran {
		return rt.already(x)
	}
	x.al.Flow = f
	return rt.done(x, rt.outcome(x), nil)
}

// resultErr is the error of the one run of a bulk result.
func resultErr(res []ops.RunResult, err error) error {
	if err != nil {
		return err
	}
	if len(res) != 1 {
		return flowdeck.Errorf(flowdeck.ErrInternal, "cardaction: %d results for one run", len(res))
	}
	if res[0].OK {
		return nil
	}
	return &flowdeck.Error{Kind: flowdeck.KindOfCode(res[0].Code), Message: res[0].Message}
}
