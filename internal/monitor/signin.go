package monitor

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// signInReason is the sign-in card's text.
const signInReason = "FlowDeck can no longer reach Power Automate for you: your sign-in expired, was revoked, or consent was withdrawn. " +
	"Your alerts are paused until you sign in again; nothing that happens meanwhile is lost."

// takeSignIns calls SignInNeeded for each user the broker queued.
func (m *Monitor) takeSignIns(ctx context.Context) {
	if m.o.SignIns == nil {
		return
	}
	for _, p := range m.o.SignIns.Take() {
		m.SignInNeeded(ctx, p)
	}
}

// SignInNeeded pauses the user's subscriptions and, when this call is the one
// that paused them, sends the user one "sign in again" card. The monitor
// calls it for each user the token broker queued when their refresh token
// died (Options.SignIns), and when a cycle finds the user's tokens unusable. A user
// who watches nothing gets no card (the bot asks them when they next talk).
func (m *Monitor) SignInNeeded(ctx context.Context, p flowdeck.Principal) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	n, err := m.o.Store.SetPaused(ctx, p.TenantID, p.UserID, true)
	if err != nil || n == 0 {
		if err != nil {
			m.log.LogAttrs(ctx, slog.LevelError, "monitor: pause subscriptions", slog.Any("err", err))
		}
		return
	}
	conv, err := m.o.Store.PersonalConversation(ctx, p.TenantID, p.UserID)
	if err != nil {
		m.log.LogAttrs(ctx, slog.LevelWarn, "monitor: no personal chat for the sign-in card", slog.Any("err", err))
		return
	}
	if _, err := m.o.Poster.Send(ctx, conv, cards.SignInAgainCard(signInReason)); err != nil {
		m.countNote("signin", "failed")
		m.log.LogAttrs(ctx, slog.LevelWarn, "monitor: send the sign-in card", slog.Any("err", err))
		// Unpause, so that the next cycle finds the dead token again and retries.
		if _, err := m.o.Store.SetPaused(ctx, p.TenantID, p.UserID, false); err != nil {
			m.log.LogAttrs(ctx, slog.LevelError, "monitor: unpause after a failed sign-in card", slog.Any("err", err))
		}
		return
	}
	m.countNote("signin", "sent")
}

// resume unpauses a paused user whose tokens work again (they signed in).
// It asks the broker, which answers from the store without calling Entra ID
// when the user's tokens were dropped.
func (m *Monitor) resume(ctx context.Context, p flowdeck.Principal) bool {
	if _, err := m.o.Tokens.Token(ctx, p, m.o.Audience); err != nil {
		return false
	}
	n, err := m.o.Store.SetPaused(ctx, p.TenantID, p.UserID, false)
	if err != nil {
		m.log.LogAttrs(ctx, slog.LevelError, "monitor: resume subscriptions", slog.Any("err", err))
		return false
	}
	return n > 0
}

// tokenDead reports whether err means the user must sign in (or consent) again.
func tokenDead(err error) bool {
	switch flowdeck.KindOf(err) {
	case flowdeck.ErrUnauthenticated, flowdeck.ErrInteractionRequired, flowdeck.ErrConsentRequired:
		return true
	}
	return false
}

// retryAfter is how long to leave a user alone after err.
func (m *Monitor) retryAfter(err error) time.Duration {
	if fe := (*flowdeck.Error)(nil); errors.As(err, &fe) && fe.RetryAfter > 0 {
		return max(fe.RetryAfter, m.o.Tick)
	}
	if flowdeck.KindOf(err) == flowdeck.ErrThrottled {
		return m.o.Interval / 2
	}
	return 2 * m.o.Tick
}
