package cardaction

import (
	"strings"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// approvalOpen answers the Answer button of the approvals list: it posts
// the approval's card (the card the monitor posts, with its CardState, so
// approval.respond answers it exactly once and approval.refresh keeps it
// current) into the invoker's personal chat, once per list card and
// approval. Only an approval waiting for the invoker is posted.
func (rt *Router) approvalOpen(in *invocation) *botframework.InvokeResponse {
	f := newFields(in.data, "approvalId", "environmentId")
	d := cards.ApprovalData{ApprovalID: f.str("approvalId", true), EnvironmentID: f.str("environmentId", true)}
	f.match(d.ApprovalID, guidRE, "approval id")
	f.match(d.EnvironmentID, envRE, "environment")
	if f.err != nil {
		return errorCard(f.err, nil)
	}
	if !in.personal() {
		return botframework.MessageResponse("Approvals are answered in your personal chat with FlowDeck: say approvals there.")
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	rep, err := rt.o.Ops.Approvals(in.ctx, flowdeck.RoleApprover, true)
	if err != nil {
		return rt.failedWith(in, err, in.data)
	}
	var a flowdeck.Approval
	found := false
	for _, x := range rep.Approvals {
		if strings.EqualFold(x.ID, d.ApprovalID) && strings.EqualFold(x.EnvironmentID, d.EnvironmentID) && x.Role != flowdeck.RoleOwner {
			a, found = x, true
			break
		}
	}
	if !found || a.Status != flowdeck.ApprovalPending {
		return errorCard(invalid("This approval is no longer waiting for your answer. Say approvals to see the ones that are."), nil)
	}
	conv := flowdeck.ConversationRef{TenantID: in.p.TenantID, ConversationID: in.conv, Scope: flowdeck.ScopePersonal,
		UserID: in.p.UserID, ServiceURL: in.a.ServiceURL, ChannelID: in.a.ChannelID}
	ran, err := rt.claim(in, ApprovalKey(a.EnvironmentID, a.ID), func() error {
		_, err := rt.PostApproval(in.ctx, conv, a, nil)
		return err
	})
	switch {
	case err != nil:
		return rt.failedWith(in, err, in.data)
	case !ran:
		return botframework.MessageResponse("The approval's card is already in this chat: answer it there.")
	}
	return botframework.MessageResponse("The approval's card is below: choose your response there, with a comment if you like.")
}
