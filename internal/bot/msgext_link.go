package bot

import (
	"context"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// unfurl answers composeExtension/queryLink for a portal link of this
// cloud: the live card of the flow, run or approval it points at, read as
// the user who pasted it, with a preview naming it; a link the user cannot
// open (another tenant's, or one they have no access to) gets the neutral
// card and preview, which name nothing of the target.
func (b *Bot) unfurl(ctx context.Context, r *request, l flowdeck.PortalLink) *botframework.InvokeResponse {
	c, title, err := b.liveCard(ctx, r, l)
	if err != nil {
		return meMessage(flowdeck.Message(err))
	}
	if title == "" {
		return b.unfurlNeutral(l.Kind)
	}
	return meAnswer(MEResult{Type: "result", AttachmentLayout: "list", Attachments: []MEAttachment{{
		ContentType: botframework.ContentTypeAdaptiveCard, Content: c,
		Preview: &MEPreviewCard{ContentType: cards.ContentTypeThumbnail, Content: cards.Preview(title, "Power Automate "+kindName(l.Kind), "", nil)},
	}}})
}

// unfurlNeutral is the answer for a link FlowDeck shows nothing of.
func (b *Bot) unfurlNeutral(kind string) *botframework.InvokeResponse {
	return meAnswer(MEResult{Type: "result", AttachmentLayout: "list", Attachments: []MEAttachment{{
		ContentType: botframework.ContentTypeAdaptiveCard, Content: cards.NoAccess(kind),
		Preview: &MEPreviewCard{ContentType: cards.ContentTypeThumbnail, Content: cards.Preview("Power Automate "+kindName(kind), "", "", nil)},
	}}})
}

func kindName(kind string) string {
	switch kind {
	case flowdeck.LinkFlow:
		return "flow"
	case flowdeck.LinkRun:
		return "flow run"
	case flowdeck.LinkApproval:
		return "approval"
	}
	return "link"
}

// liveCard reads what l points at as the user and returns its live card and
// its name; a target the user cannot read gives the neutral card and no
// name. Other failures are returned.
func (b *Bot) liveCard(ctx context.Context, r *request, l flowdeck.PortalLink) (*cards.AdaptiveCard, string, error) {
	links := cards.Links{Tab: b.o.TabLink, Portal: b.o.Portal}
	c, title, err := func() (*cards.AdaptiveCard, string, error) {
		switch l.Kind {
		case flowdeck.LinkApproval:
			a, err := b.o.Ops.Approval(ctx, l.EnvironmentID, l.ApprovalID)
			if err != nil {
				return nil, "", err
			}
			return cards.ApprovalLive(a, r.p.UserID, links), a.Title, nil
		case flowdeck.LinkRun:
			f, err := b.o.Ops.Flow(ctx, l.EnvironmentID, l.FlowID)
			if err != nil {
				return nil, "", err
			}
			rd, err := b.o.Ops.Run(ctx, l.EnvironmentID, l.FlowID, l.RunID)
			if err != nil {
				return nil, "", err
			}
			return cards.RunLive(f, rd.Run, rd.Actions, links), f.DisplayName, nil
		}
		f, err := b.o.Ops.Flow(ctx, l.EnvironmentID, l.FlowID)
		if err != nil {
			return nil, "", err
		}
		page, err := b.o.Ops.Runs(ctx, l.EnvironmentID, l.FlowID, flowdeck.RunFilter{Top: 5}, "")
		if err != nil {
			return nil, "", err
		}
		return cards.FlowLive(f, page.Runs, links), f.DisplayName, nil
	}()
	switch flowdeck.KindOf(err) {
	case nil:
		return c, title, nil
	case flowdeck.ErrNotFound, flowdeck.ErrForbidden:
		return cards.NoAccess(l.Kind), "", nil
	}
	return nil, "", err
}
