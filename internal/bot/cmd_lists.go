package bot

import (
	"context"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func (b *Bot) cmdApprovals(ctx context.Context, r *request) reply {
	role, title := flowdeck.RoleApprover, "Approvals waiting for you"
	if len(r.cmd.Args) > 0 && strings.EqualFold(r.cmd.Args[0], "sent") {
		role, title = flowdeck.RoleOwner, "Approvals you sent"
	}
	rep, err := b.o.Ops.Approvals(ctx, role, true)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	start, end, next := pageOf(r.cursor, len(rep.Approvals))
	c := cards.ApprovalsCard(title, rep.Approvals[start:end], cards.Page{Command: r.line(), Cursor: next, Total: len(rep.Approvals)}, b.links())
	return cardReply(withPartial(c, rep.Partial))
}

func (b *Bot) cmdApps(ctx context.Context, r *request) reply {
	rep, err := b.o.Ops.Apps(ctx)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	start, end, next := pageOf(r.cursor, len(rep.Apps))
	c := cards.AppsCard(rep.Apps[start:end], cards.Page{Command: r.line(), Cursor: next, Total: len(rep.Apps)})
	return cardReply(withPartial(c, rep.Partial))
}

func (b *Bot) cmdConnections(ctx context.Context, r *request) reply {
	rep, err := b.o.Ops.Connections(ctx)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	start, end, next := pageOf(r.cursor, len(rep.Connections))
	c := cards.ConnectionsCard(rep.Connections[start:end], cards.Page{Command: r.line(), Cursor: next, Total: len(rep.Connections)})
	return cardReply(withPartial(c, rep.Partial))
}
