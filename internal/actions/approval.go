package actions

import (
	"errors"
	"strings"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// approval answers approval.respond and approval.refresh.
func (h *Handler) approval(in *invocation, data map[string]any) *botframework.InvokeResponse {
	d, err := parseApproval(in.verb, data)
	if err != nil {
		return errorCard(err, nil)
	}
	key := ApprovalKey(d.EnvironmentID, d.ApprovalID)
	_, cd, err := h.cardOf(in, key)
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
	if res := h.ensureToken(in, d); res != nil {
		return res
	}
	if in.verb == cards.VerbApprovalRefresh {
		return h.refresh(in, d, key, cd)
	}
	return h.respond(in, d, key, cd)
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
func (h *Handler) respond(in *invocation, d cards.ApprovalData, key string, cd cardData) *botframework.InvokeResponse {
	n := flowdeck.Notification{
		Key:      "action:" + key + ":user:" + strings.ToLower(in.p.UserID),
		TenantID: in.p.TenantID, ConversationID: in.conv, ActivityID: in.replyTo,
	}
	var got flowdeck.Approval
	ran, err := h.once(in.ctx, n, func() error {
		var err error
		got, err = h.o.Ops.Respond(in.ctx, d.EnvironmentID, d.ApprovalID, d.Response, d.Comment)
		return err
	})
	switch {
	case !ran && err == nil, errors.Is(err, flowdeck.ErrConflict):
		// Another click answered, or the approval was answered elsewhere:
		// show it as it is now, without an error.
		return h.current(in, d, key, cd, false)
	case err != nil:
		return errorCard(h.explain(in.p, err), backTo(d))
	}
	h.updateApproval(in, key, got)
	return botframework.CardResponse(cards.Approval(got, h.approvalOptions(in, cd)))
}

// refresh answers each viewer with their own current view of the approval.
func (h *Handler) refresh(in *invocation, d cards.ApprovalData, key string, cd cardData) *botframework.InvokeResponse {
	return h.current(in, d, key, cd, true)
}

// current fetches the approval as the invoker and answers with their view;
// when it changed since the cards were last updated, they are updated too.
// If it cannot be read, a refresh shows the last known state and any other
// action an error.
func (h *Handler) current(in *invocation, d cards.ApprovalData, key string, cd cardData, isRefresh bool) *botframework.InvokeResponse {
	a, err := h.o.Ops.Approval(in.ctx, d.EnvironmentID, d.ApprovalID)
	if err != nil {
		if isRefresh {
			return botframework.CardResponse(cards.Approval(*cd.Approval, h.approvalOptions(in, cd)))
		}
		return errorCard(err, backTo(d))
	}
	if changed(*cd.Approval, a) {
		h.updateApproval(in, key, a)
	}
	return botframework.CardResponse(cards.Approval(a, h.approvalOptions(in, cd)))
}

func (h *Handler) approvalOptions(in *invocation, cd cardData) cards.ApprovalOptions {
	return cards.ApprovalOptions{ViewerID: in.p.UserID, UserIDs: cd.UserIDs, Tab: h.o.TabLink, Portal: h.o.Portal}
}

// changed reports whether the shared card of was would differ for now.
func changed(was, now flowdeck.Approval) bool {
	return was.Status != now.Status || was.Result != now.Result || len(was.Responses) != len(now.Responses)
}

// updateApproval replaces the approval's card in every conversation with
// the shared view of a (in a personal chat, its owner's view).
func (h *Handler) updateApproval(in *invocation, key string, a flowdeck.Approval) {
	h.updateEverywhere(in.ctx, key, nil,
		func(d *cardData) { d.Approval = &a },
		func(d cardData) *cards.AdaptiveCard {
			return cards.Approval(a, cards.ApprovalOptions{ViewerID: d.viewer(), UserIDs: d.UserIDs, Tab: h.o.TabLink, Portal: h.o.Portal})
		})
}

// explain names a missing permission with the admin-consent link, when it can.
func (h *Handler) explain(p flowdeck.Principal, err error) error {
	if h.o.ExplainPermission == nil {
		return err
	}
	return h.o.ExplainPermission(p, err)
}
