package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/flowdeck/flowdeck/appmanifest"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Feed sends Teams activity-feed notifications to a user of a tenant as
// FlowDeck itself, app-only (graph.Client.SendActivity).
type Feed interface {
	SendActivity(ctx context.Context, tenantID, userID string, n flowdeck.FeedNotification) error
}

// feedPoster delivers failure alerts and new approvals of a user's personal
// chat where the user chose (UserSettings.Delivery): the card, an
// activity-feed notification that opens the tab, or both. Everything else,
// and every channel, goes to the chat as before. It is the Poster the
// monitor uses when Options.Feed is set, so the notification log's claim
// covers the card and the notification together: each goes out once.
type feedPoster struct {
	Poster
	feed  Feed
	store flowdeck.SubscriptionStore
	tab   cards.TabLink
	log   *slog.Logger
}

// delivery returns whether conv's card and feed notification are wanted.
func (p *feedPoster) delivery(ctx context.Context, conv flowdeck.ConversationRef) (chat, feed bool) {
	if conv.Scope != flowdeck.ScopePersonal || conv.UserID == "" {
		return true, false
	}
	st, err := p.store.GetSettings(ctx, conv.TenantID, conv.UserID)
	if err != nil {
		return true, false // no settings (or the store failed): the chat, as always
	}
	switch st.Delivery {
	case flowdeck.DeliveryFeed:
		return false, true
	case flowdeck.DeliveryBoth:
		return true, true
	}
	return true, false
}

// deliver posts the card when chat, then the notification when feed. A
// notification that fails after the card went out is logged, not retried (a
// retry would post the card twice). Without the card, a refused
// notification (refused) sends the card instead, and any other failure is
// the delivery's, retried at the next cycle.
func (p *feedPoster) deliver(ctx context.Context, conv flowdeck.ConversationRef, n flowdeck.FeedNotification, post func() (string, error)) (string, error) {
	chat, feed := p.delivery(ctx, conv)
	id := ""
	if chat {
		var err error
		if id, err = post(); err != nil {
			return "", err
		}
	}
	if !feed {
		return id, nil
	}
	if err := p.feed.SendActivity(ctx, conv.TenantID, conv.UserID, n); err != nil {
		if !chat && refused(err) {
			// The feed is not allowed (the application permission
			// TeamsActivity.Send not granted, or the app is
			// not installed): the card, so that nothing is lost.
			p.log.LogAttrs(ctx, slog.LevelWarn, "monitor: activity feed refused; sending the card instead", slog.String("kind", flowdeck.Code(err)))
			return post()
		}
		if !chat {
			return "", fmt.Errorf("monitor: activity feed: %w", err)
		}
		p.log.LogAttrs(ctx, slog.LevelWarn, "monitor: activity-feed notification not sent; the card was", slog.String("kind", flowdeck.Code(err)), slog.Any("err", err))
	}
	return id, nil
}

// refused reports whether Graph refused the notification for good (a
// missing permission or consent, the app not installed), not for now.
func refused(err error) bool {
	return errors.Is(err, flowdeck.ErrForbidden) || errors.Is(err, flowdeck.ErrNotFound) ||
		errors.Is(err, flowdeck.ErrConsentRequired) || errors.Is(err, flowdeck.ErrInvalid)
}

// PostAlert posts the failure alert, as a card and/or a flowFailed
// notification that opens the run in the tab.
func (p *feedPoster) PostAlert(ctx context.Context, conv flowdeck.ConversationRef, al cards.Alert) (string, error) {
	preview := "A run failed"
	if al.FailedAction.Name != "" {
		preview = "Failed at " + al.FailedAction.Name
		if al.FailedAction.ErrorMessage != "" {
			preview += ": " + al.FailedAction.ErrorMessage
		}
	}
	if al.Count > 1 {
		preview = fmt.Sprintf("%d runs failed. %s", al.Count, preview)
	}
	n := flowdeck.FeedNotification{
		ActivityType: appmanifest.ActivityFlowFailed,
		Parameters:   []flowdeck.FeedParameter{{Name: "flowName", Value: al.Flow.DisplayName}},
		Topic:        al.Flow.DisplayName,
		WebURL:       p.tab("run:" + al.Flow.EnvironmentID + ":" + al.Flow.ID + ":" + al.Run.ID),
		Preview:      preview,
	}
	return p.deliver(ctx, conv, n, func() (string, error) { return p.Poster.PostAlert(ctx, conv, al) })
}

// UpdateAlert updates the alert card; a notification-only alert has none.
func (p *feedPoster) UpdateAlert(ctx context.Context, conv flowdeck.ConversationRef, activityID string, al cards.Alert, recoveredAt time.Time) error {
	if activityID == "" {
		return nil
	}
	return p.Poster.UpdateAlert(ctx, conv, activityID, al, recoveredAt)
}

// PostApproval posts the approval card and/or an approvalRequested
// notification that opens the tab's approvals.
func (p *feedPoster) PostApproval(ctx context.Context, conv flowdeck.ConversationRef, a flowdeck.Approval, userIDs []string) (string, error) {
	n := flowdeck.FeedNotification{
		ActivityType: appmanifest.ActivityApprovalRequested,
		Parameters:   []flowdeck.FeedParameter{{Name: "title", Value: a.Title}},
		Topic:        a.Title,
		WebURL:       p.tab(cards.ApprovalsSubEntity),
		Preview:      a.Details,
	}
	return p.deliver(ctx, conv, n, func() (string, error) { return p.Poster.PostApproval(ctx, conv, a, userIDs) })
}

var _ Poster = (*feedPoster)(nil)
