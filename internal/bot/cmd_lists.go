package bot

import (
	"context"
	"slices"
	"strings"
	"sync"

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
	page := rep.Approvals[start:end]
	if role == flowdeck.RoleOwner {
		page = b.withResponses(ctx, page)
	}
	c := cards.ApprovalsCard(title, page, cards.Page{Command: r.line(), Cursor: next, Total: len(rep.Approvals)}, b.links())
	return cardReply(withPartial(c, rep.Partial))
}

// responseReaders bounds the approvals read at once for their responses.
const responseReaders = 4

// withResponses reads each sent approval's responses and approvers (who
// answered what, who has not); one that cannot be read is shown as listed.
func (b *Bot) withResponses(ctx context.Context, as []flowdeck.Approval) []flowdeck.Approval {
	out := slices.Clone(as)
	sem := make(chan struct{}, responseReaders)
	var wg sync.WaitGroup
	for i, a := range out {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			d, err := b.o.Ops.Approval(ctx, a.EnvironmentID, a.ID)
			if err != nil {
				return
			}
			out[i].Responses, out[i].Approvers = d.Responses, d.Approvers
		})
	}
	wg.Wait()
	return out
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
