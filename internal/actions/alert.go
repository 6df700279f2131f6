package actions

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
func (h *Handler) alert(in *invocation, data map[string]any) *botframework.InvokeResponse {
	d, err := parseRun(in.verb, data)
	if err != nil {
		return errorCard(err, nil)
	}
	x := &alertAction{in: in, d: d, key: AlertKey(d.EnvironmentID, d.FlowID, d.RunID)}
	if d.RunID != "" {
		_, cd, err := h.cardOf(in, x.key)
		switch {
		case err == nil && cd.Alert != nil:
			x.known, x.al = true, *cd.Alert
		case err != nil && flowdeck.KindOf(err) != flowdeck.ErrInvalid:
			return errorCard(err, nil)
		}
	}
	if res := h.ensureToken(in, d); res != nil {
		return res
	}
	if err := h.loadAlert(x); err != nil {
		return errorCard(err, nil)
	}
	switch in.verb {
	case cards.VerbAlertResubmit:
		return h.resubmit(x)
	case cards.VerbAlertCancel:
		return h.cancel(x)
	case cards.VerbAlertTurnOff:
		return h.turnOff(x)
	}
	return h.mute(x)
}

// loadAlert fills in the flow and the run as they are now (as the invoker).
func (h *Handler) loadAlert(x *alertAction) error {
	ctx, d := x.in.ctx, x.d
	f, err := h.o.Ops.Flow(ctx, d.EnvironmentID, d.FlowID)
	if err != nil {
		return err
	}
	x.al.Flow = f
	if d.RunID == "" {
		return nil
	}
	rd, err := h.o.Ops.Run(ctx, d.EnvironmentID, d.FlowID, d.RunID)
	if err != nil {
		return err
	}
	x.al.Run = rd.Run
	if rd.Failed != nil && !x.known {
		x.al.FailedAction = *rd.Failed
	}
	return nil
}

func (h *Handler) alertOptions() cards.AlertOptions {
	return cards.AlertOptions{Tab: h.o.TabLink, Portal: h.o.Portal}
}

// done answers with the outcome of a successful action and, for a recorded
// card, updates it in place in every conversation keep accepts.
func (h *Handler) done(x *alertAction, out outcome, keep func(cardData) bool) *botframework.InvokeResponse {
	if x.known {
		al := x.al
		h.updateEverywhere(x.in.ctx, x.key, keep,
			func(d *cardData) { d.Alert, d.Outcome = &al, &out },
			func(cardData) *cards.AdaptiveCard { return cards.AlertOutcome(al, out.card(), h.alertOptions()) })
	}
	return botframework.CardResponse(cards.AlertOutcome(x.al, out.card(), h.alertOptions()))
}

// failed answers the invoker (only) with what went wrong.
func (h *Handler) failed(x *alertAction, err error) *botframework.InvokeResponse {
	o := cards.Outcome{Verb: x.in.verb, By: x.in.person(), At: h.o.Now(), Err: err}
	return botframework.CardResponse(cards.AlertOutcome(x.al, o, h.alertOptions()))
}

func (h *Handler) outcome(x *alertAction) outcome {
	return outcome{Verb: x.in.verb, By: x.in.person(), At: h.o.Now()}
}

// resubmit resubmits the run, once per card and run; a run that is not the
// flow's latest needs confirming first.
func (h *Handler) resubmit(x *alertAction) *botframework.InvokeResponse {
	ctx, d := x.in.ctx, x.d
	before, err := h.recentRuns(x)
	if err != nil {
		return h.failed(x, err)
	}
	if !d.Confirm && len(before) > 0 && before[0].ID != d.RunID {
		return botframework.CardResponse(cards.AlertConfirmResubmit(x.al, before[0], h.alertOptions()))
	}
	n := flowdeck.Notification{
		Key:      "action:resubmit:" + x.in.conv + ":" + x.in.replyTo + ":" + d.RunID,
		TenantID: x.in.p.TenantID, ConversationID: x.in.conv, ActivityID: x.in.replyTo,
	}
	ran, err := h.once(ctx, n, func() error {
		res, err := h.o.Ops.Resubmit(ctx, d.EnvironmentID, d.FlowID, []string{d.RunID})
		return resultErr(res, err)
	})
	if err != nil {
		return h.failed(x, err)
	}
	if !ran {
		// Another click resubmitted it: show what the card says now.
		if _, cd, err := h.cardOf(x.in, x.key); err == nil && cd.Outcome != nil && cd.Alert != nil {
			return botframework.CardResponse(cards.AlertOutcome(*cd.Alert, cd.Outcome.card(), h.alertOptions()))
		}
		return botframework.CardResponse(cards.AlertCard(x.al, h.alertOptions()))
	}
	out := h.outcome(x)
	if after, err := h.recentRuns(x); err == nil {
		out.NewRunID = newRun(before, after, d.RunID)
	}
	return h.done(x, out, nil)
}

// recentRuns returns the flow's newest runs, newest first.
func (h *Handler) recentRuns(x *alertAction) ([]flowdeck.Run, error) {
	page, err := h.o.Ops.Runs(x.in.ctx, x.d.EnvironmentID, x.d.FlowID, flowdeck.RunFilter{Top: 10}, "")
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
func (h *Handler) cancel(x *alertAction) *botframework.InvokeResponse {
	d := x.d
	if x.al.Run.Finished() {
		return h.failed(x, flowdeck.Errorf(flowdeck.ErrConflict,
			"the run has already finished (%s), so there is nothing to cancel", x.al.Run.Status))
	}
	res, err := h.o.Ops.Cancel(x.in.ctx, d.EnvironmentID, d.FlowID, []string{d.RunID})
	if err := resultErr(res, err); err != nil {
		return h.failed(x, err)
	}
	x.al.Run.Status = flowdeck.RunCancelled
	return h.done(x, h.outcome(x), nil)
}

// turnOff turns the flow off after a confirmation.
func (h *Handler) turnOff(x *alertAction) *botframework.InvokeResponse {
	if x.al.Flow.State == flowdeck.FlowStopped {
		return h.done(x, h.outcome(x), nil)
	}
	if !x.d.Confirm {
		return botframework.CardResponse(cards.AlertConfirmTurnOff(x.al, h.alertOptions()))
	}
	f, err := h.o.Ops.SetFlowState(x.in.ctx, x.d.EnvironmentID, x.d.FlowID, false)
	if err != nil {
		return h.failed(x, err)
	}
	x.al.Flow = f
	return h.done(x, h.outcome(x), nil)
}

// resultErr is the error of the one run of a bulk result.
func resultErr(res []ops.RunResult, err error) error {
	if err != nil {
		return err
	}
	if len(res) != 1 {
		return flowdeck.Errorf(flowdeck.ErrInternal, "actions: %d results for one run", len(res))
	}
	if res[0].OK {
		return nil
	}
	return &flowdeck.Error{Kind: kindOf(res[0].Code), Message: res[0].Message}
}

// kindOf maps a wire code back to its kind.
func kindOf(code string) error {
	for _, k := range []error{flowdeck.ErrInvalid, flowdeck.ErrNotFound, flowdeck.ErrConflict, flowdeck.ErrUnauthenticated,
		flowdeck.ErrForbidden, flowdeck.ErrConsentRequired, flowdeck.ErrInteractionRequired, flowdeck.ErrThrottled,
		flowdeck.ErrUnavailable, flowdeck.ErrMisconfigured} {
		if flowdeck.Code(k) == code {
			return k
		}
	}
	return flowdeck.ErrInternal
}
