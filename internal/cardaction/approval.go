package cardaction

import (
	"errors"
	"strings"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// approval answers approval.respond and approval.refresh.
func (rt *Router) approval(in *invocation) *botframework.InvokeResponse {
	d, err := parseApproval(in.verb, in.data)
	if err != nil {
		return errorCard(err, nil)
	}
	key := ApprovalKey(d.EnvironmentID, d.ApprovalID)
	_, cd, err := rt.cardOf(in, key)
	if err != nil && d.Shared && flowdeck.KindOf(err) == flowdeck.ErrInvalid {
		// A card a message extension inserted: FlowDeck never posted it.
		return rt.sharedApproval(in, d)
	}
	if err != nil {
		return errorCard(err, nil)
	}
	if cd.Approval == nil {
		return errorCard(invalid("This card is not an approval card."), nil)
	}
	if in.verb == cards.VerbApprovalRespond {
		if len(cd.Approval.Options) == 0 {
			return errorCard(invalid("FlowDeck does not know this approval's responses; respond in Power Automate."), backTo(d))
		}
		opt, ok := option(*cd.Approval, d.Response)
		if !ok {
			return errorCard(invalid("That response is not one of this approval's options."), backTo(d))
		}
		d.Response = opt
	}
	if res := rt.ensureToken(in, d); res != nil {
		return res
	}
	if in.verb == cards.VerbApprovalRefresh {
		return rt.refresh(in, d, key, cd)
	}
	return rt.respond(in, d, key, cd)
}

// option returns the approval's option that response names; an approval
// whose options are unknown has none.
func option(a flowdeck.Approval, response string) (string, bool) {
	for _, o := range a.Options {
		if strings.EqualFold(o, response) {
			return o, true
		}
	}
	return "", false
}

// respond answers the approval exactly once per approval and user, updates
// the card everywhere and gives the invoker their own view of it.
func (rt *Router) respond(in *invocation, d cards.ApprovalData, key string, cd cardData) *botframework.InvokeResponse {
	n := flowdeck.Notification{
		Key:      "action:" + key + ":user:" + strings.ToLower(in.p.UserID),
		TenantID: in.p.TenantID, ConversationID: in.conv, ActivityID: in.replyTo,
	}
	var got flowdeck.Approval
	ran, err := rt.once(in.ctx, n, func() error {
		var err error
		got, err = rt.o.Ops.Respond(in.ctx, d.EnvironmentID, d.ApprovalID, d.Response, d.Comment)
		return err
	})
	switch {
	case !ran && err == nil, errors.Is(err, flowdeck.ErrConflict):
		// Another click answered, or the approval was answered elsewhere:
		// show it as it is now, without an error.
		return rt.current(in, d, key, cd, false)
	case err != nil:
		return errorCard(rt.explain(in.p, err), backTo(d))
	}
	rt.updateApproval(in, key, got)
	return botframework.CardResponse(cards.Approval(got, rt.approvalOptions(in, cd)))
}

// refresh answers each viewer with their own current view of the approval.
func (rt *Router) refresh(in *invocation, d cards.ApprovalData, key string, cd cardData) *botframework.InvokeResponse {
	return rt.current(in, d, key, cd, true)
}

// current fetches the approval as the invoker and answers with their view;
// when it changed since the cards were last updated, they are updated too.
// If it cannot be read, a refresh shows the last known state and any other
// action an error.
func (rt *Router) current(in *invocation, d cards.ApprovalData, key string, cd cardData, isRefresh bool) *botframework.InvokeResponse {
	a, err := rt.o.Ops.Approval(in.ctx, d.EnvironmentID, d.ApprovalID)
	if err != nil {
		if isRefresh {
			return botframework.CardResponse(cards.Approval(*cd.Approval, rt.approvalOptions(in, cd)))
		}
		return errorCard(err, backTo(d))
	}
	if changed(*cd.Approval, a) {
		rt.updateApproval(in, key, a)
	}
	return botframework.CardResponse(cards.Approval(a, rt.approvalOptions(in, cd)))
}

func (rt *Router) approvalOptions(in *invocation, cd cardData) cards.ApprovalOptions {
	return cards.ApprovalOptions{ViewerID: in.p.UserID, UserIDs: cd.UserIDs, Tab: rt.o.TabLink, Portal: rt.o.Portal}
}

// changed reports whether the shared card of was would differ for now.
func changed(was, now flowdeck.Approval) bool {
	return was.Status != now.Status || was.Result != now.Result || len(was.Responses) != len(now.Responses)
}

// updateApproval replaces the approval's card in every conversation with
// the shared view of a (in a personal chat, its owner's view).
func (rt *Router) updateApproval(in *invocation, key string, a flowdeck.Approval) {
	rt.updateEverywhere(in.ctx, key, nil,
		func(d *cardData) { d.Approval = &a },
		func(d cardData) *cards.AdaptiveCard {
			return cards.Approval(a, cards.ApprovalOptions{ViewerID: d.viewer(), UserIDs: d.UserIDs, Tab: rt.o.TabLink, Portal: rt.o.Portal})
		})
}

// explain names a missing permission with the admin-consent link, when it can.
func (rt *Router) explain(p flowdeck.Principal, err error) error {
	if rt.o.ExplainPermission == nil {
		return err
	}
	return rt.o.ExplainPermission(p, err)
}
