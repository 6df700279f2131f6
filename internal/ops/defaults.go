package ops

import (
	"context"
	"errors"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The choices of the welcome card for the default subscription.
const (
	// DefaultMine is the default itself: approvals and failures of the flows
	// the user owns.
	DefaultMine = "mine"
	// DefaultApprovalsOnly keeps approval cards and stops failure alerts.
	DefaultApprovalsOnly = "approvals"
	// DefaultPause mutes failure alerts for PauseFor; approval cards go on.
	DefaultPause = "pause"
)

// PauseFor is how long the welcome card's "Pause alerts" mutes them.
const PauseFor = 7 * 24 * time.Hour

// WatchByDefault gives a user who has never chosen what to watch the
// default subscription: the approvals assigned to them and the failures of
// the flows they own (flowdeck.WatchMine), in their personal chat, from now
// on. A user who has a subscription, or has stored settings (they chose
// before, or unwatched everything), is left as they are; created says
// whether the default was made now.
func (s *Service) WatchByDefault(ctx context.Context) (sub flowdeck.Subscription, created bool, err error) {
	p, err := principal(ctx)
	if err != nil {
		return flowdeck.Subscription{}, false, err
	}
	subs, err := s.Watches(ctx)
	if err != nil || len(subs) > 0 {
		return flowdeck.Subscription{}, false, err
	}
	if _, err := s.subs.GetSettings(ctx, p.TenantID, p.UserID); !errors.Is(err, flowdeck.ErrNotFound) {
		return flowdeck.Subscription{}, false, err
	}
	sub, err = s.subs.CreateSubscription(ctx, flowdeck.Subscription{TenantID: p.TenantID, UserID: p.UserID, Target: flowdeck.WatchMine, Auto: true, Watermark: s.now()})
	if errors.Is(err, flowdeck.ErrConflict) {
		return flowdeck.Subscription{}, false, nil // a concurrent sign-in made it
	}
	if err != nil {
		return flowdeck.Subscription{}, false, err
	}
	// The settings row remembers that the user has had their default, so
	// that unwatching everything later is not undone by the next sign-in.
	if err := s.subs.PutSettings(ctx, flowdeck.UserSettings{TenantID: p.TenantID, UserID: p.UserID, TimeZone: "UTC"}); err != nil {
		return sub, true, err
	}
	return sub, true, nil
}

// ChooseDefault applies one of the welcome card's choices (DefaultMine,
// DefaultApprovalsOnly, DefaultPause) to the user's personal-chat default
// subscription, and returns it. Explicit subscriptions are left alone.
func (s *Service) ChooseDefault(ctx context.Context, choice string) (flowdeck.Subscription, error) {
	target := flowdeck.WatchMine
	switch choice {
	case DefaultMine, DefaultPause:
	case DefaultApprovalsOnly:
		target = flowdeck.WatchApprovals
	default:
		return flowdeck.Subscription{}, flowdeck.Errorf(flowdeck.ErrInvalid, "Pick one of the card's buttons, or type **watch** to choose what to watch.")
	}
	p, err := principal(ctx)
	if err != nil {
		return flowdeck.Subscription{}, err
	}
	subs, err := s.Watches(ctx)
	if err != nil {
		return flowdeck.Subscription{}, err
	}
	var cur flowdeck.Subscription
	for _, sub := range subs {
		if sub.Auto && sub.ConversationID == "" {
			cur = sub
		}
	}
	if cur.ID != "" && cur.Target != target {
		if err := s.subs.DeleteSubscription(ctx, cur.ID); err != nil && !errors.Is(err, flowdeck.ErrNotFound) {
			return flowdeck.Subscription{}, err
		}
		cur = flowdeck.Subscription{}
	}
	if cur.ID == "" {
		cur, err = s.subs.CreateSubscription(ctx, flowdeck.Subscription{TenantID: p.TenantID, UserID: p.UserID, Target: target, Auto: true, Watermark: s.now()})
		if err != nil {
			return flowdeck.Subscription{}, err
		}
	}
	muted := time.Time{}
	if choice == DefaultPause {
		muted = s.now().Add(PauseFor)
	}
	if !cur.MutedUntil.Equal(muted) {
		if err := s.subs.SetMutedUntil(ctx, cur.ID, muted); err != nil {
			return flowdeck.Subscription{}, err
		}
		cur.MutedUntil = muted
	}
	return cur, nil
}

// SetDigestTime turns the user's daily digest on at hhmm ("HH:MM", their
// time zone), keeping their other settings.
func (s *Service) SetDigestTime(ctx context.Context, hhmm string) (flowdeck.UserSettings, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return flowdeck.UserSettings{}, err
	}
	st.DigestTime = hhmm
	return s.SetSettings(ctx, st)
}
