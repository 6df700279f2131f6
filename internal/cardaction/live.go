package cardaction

import (
	"errors"
	"strings"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The live cards a message extension inserts (cards.FlowLive, RunLive,
// ApprovalLive) are users' messages: FlowDeck recorded no CardState for
// them, so their verbs read everything live, as the viewer, with the
// viewer's own tokens, and a viewer who cannot read the target gets the
// neutral cards.NoAccess, naming nothing of it. Their state-changing verbs
// claim once per card (the shared message, replyToId) and target, so two
// viewers pressing Turn off or Resubmit on one shared card act once.

// noAccess reports an error that means "this viewer cannot see it": it is
// not theirs, not in their tenant, or gone.
func noAccess(err error) bool {
	switch flowdeck.KindOf(err) {
	case flowdeck.ErrNotFound, flowdeck.ErrForbidden:
		return true
	}
	return false
}

// liveFailed answers a live card's read that failed: the neutral card when
// the viewer has no access, else the sign-in policy or an error card.
func (rt *Router) liveFailed(in *invocation, kind string, err error) *botframework.InvokeResponse {
	if noAccess(err) {
		return botframework.CardResponse(cards.NoAccess(kind))
	}
	return rt.failedWith(in, err, in.data)
}

func (rt *Router) links() cards.Links { return cards.Links{Tab: rt.o.TabLink, Portal: rt.o.Portal} }

// flowCard reads the flow and its latest runs as the invoker.
func (rt *Router) flowCard(in *invocation, env, flowID string) *botframework.InvokeResponse {
	f, err := rt.o.Ops.Flow(in.ctx, env, flowID)
	if err != nil {
		return rt.liveFailed(in, flowdeck.LinkFlow, err)
	}
	page, err := rt.o.Ops.Runs(in.ctx, env, flowID, flowdeck.RunFilter{Top: 5}, "")
	if err != nil {
		return rt.liveFailed(in, flowdeck.LinkFlow, err)
	}
	return botframework.CardResponse(cards.FlowLive(f, page.Runs, rt.links()))
}

// flowRefresh answers flow.refresh with the flow's live card as the viewer sees it.
func (rt *Router) flowRefresh(in *invocation) *botframework.InvokeResponse {
	f := newFields(in.data, "environmentId", "flowId")
	env, flowID := f.str("environmentId", true), f.str("flowId", true)
	f.match(env, envRE, "environment")
	f.match(flowID, guidRE, "flow id")
	if f.err != nil {
		return errorCard(f.err, nil)
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	return rt.flowCard(in, env, flowID)
}

// flowState answers flow.state: turns the flow on or off as the invoker,
// once per card, flow and direction, and answers with the live card.
func (rt *Router) flowState(in *invocation) *botframework.InvokeResponse {
	f := newFields(in.data, "environmentId", "flowId", "on")
	d := cards.FlowStateData{EnvironmentID: f.str("environmentId", true), FlowID: f.str("flowId", true), On: f.flag("on")}
	f.match(d.EnvironmentID, envRE, "environment")
	f.match(d.FlowID, guidRE, "flow id")
	if f.err != nil {
		return errorCard(f.err, nil)
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	dir := "off"
	if d.On {
		dir = "on"
	}
	_, err := rt.claim(in, d.EnvironmentID+"/"+d.FlowID+":"+dir, func() error {
		_, err := rt.o.Ops.SetFlowState(in.ctx, d.EnvironmentID, d.FlowID, d.On)
		return err
	})
	if err != nil {
		return rt.liveFailed(in, flowdeck.LinkFlow, err)
	}
	// Done now or by another click on this card: show the flow as it is.
	return rt.flowCard(in, d.EnvironmentID, d.FlowID)
}

// runRefresh answers run.refresh with the run's live card as the viewer sees it.
func (rt *Router) runRefresh(in *invocation) *botframework.InvokeResponse {
	f := newFields(in.data, "environmentId", "flowId", "runId")
	env, flowID, runID := f.str("environmentId", true), f.str("flowId", true), f.str("runId", true)
	f.match(env, envRE, "environment")
	f.match(flowID, guidRE, "flow id")
	f.match(runID, runRE, "run id")
	if f.err != nil {
		return errorCard(f.err, nil)
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	fl, err := rt.o.Ops.Flow(in.ctx, env, flowID)
	if err != nil {
		return rt.liveFailed(in, flowdeck.LinkRun, err)
	}
	rd, err := rt.o.Ops.Run(in.ctx, env, flowID, runID)
	if err != nil {
		return rt.liveFailed(in, flowdeck.LinkRun, err)
	}
	return botframework.CardResponse(cards.RunLive(fl, rd.Run, rd.Actions, rt.links()))
}

// sharedApproval answers approval.refresh and approval.respond on an
// approval card a message extension inserted: the approval is read live as
// the viewer, a response is checked against its options as they are now,
// and it is answered once per approval and user, as on FlowDeck's own cards.
func (rt *Router) sharedApproval(in *invocation, d cards.ApprovalData) *botframework.InvokeResponse {
	if res := rt.ensureToken(in, d); res != nil {
		return res
	}
	a, err := rt.o.Ops.Approval(in.ctx, d.EnvironmentID, d.ApprovalID)
	if err != nil {
		return rt.liveFailed(in, flowdeck.LinkApproval, err)
	}
	if in.verb == cards.VerbApprovalRefresh {
		return botframework.CardResponse(cards.ApprovalLive(a, in.p.UserID, rt.links()))
	}
	opt, ok := option(a, d.Response)
	if !ok {
		return errorCard(invalid("That response is not one of this approval's options."), backTo(d))
	}
	n := flowdeck.Notification{
		Key:      "action:" + ApprovalKey(d.EnvironmentID, d.ApprovalID) + ":user:" + strings.ToLower(in.p.UserID),
		TenantID: in.p.TenantID, ConversationID: in.conv, ActivityID: in.replyTo,
	}
	ran, err := rt.once(in.ctx, n, func() error {
		var err error
		a, err = rt.o.Ops.Respond(in.ctx, d.EnvironmentID, d.ApprovalID, opt, d.Comment)
		return err
	})
	switch {
	case !ran && err == nil, errors.Is(err, flowdeck.ErrConflict):
		if now, err := rt.o.Ops.Approval(in.ctx, d.EnvironmentID, d.ApprovalID); err == nil {
			a = now
		}
	case err != nil:
		return errorCard(rt.explain(in.p, err), backTo(d))
	}
	return botframework.CardResponse(cards.ApprovalLive(a, in.p.UserID, rt.links()))
}
