package actions

import (
	"errors"
	"time"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// MuteFor is how long alert.mute silences a flow's alerts.
const MuteFor = 24 * time.Hour

// mute silences the flow's alerts for the invoker for MuteFor: it sets
// MutedUntil on the invoker's subscriptions of exactly this flow, creating a
// muted flow subscription when there is none. Broader subscriptions (all
// flows, an environment) are left alone — muting them would silence every
// flow — so the monitor must honour a muted flow subscription for that flow.
// Only the invoker's own personal cards are updated.
func (h *Handler) mute(x *alertAction) *botframework.InvokeResponse {
	ctx, p, d := x.in.ctx, x.in.p, x.d
	now := h.o.Now()
	until := now.Add(MuteFor)
	subs, err := h.o.Subscriptions.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: p.TenantID, UserID: p.UserID})
	if err != nil {
		return h.failed(x, err)
	}
	n := 0
	for _, s := range subs {
		if s.Target == flowdeck.WatchFlow && s.EnvironmentID == d.EnvironmentID && s.FlowID == d.FlowID {
			if err := h.o.Subscriptions.SetMutedUntil(ctx, s.ID, until); err != nil {
				return h.failed(x, err)
			}
			n++
		}
	}
	if n == 0 {
		_, err := h.o.Subscriptions.CreateSubscription(ctx, flowdeck.Subscription{
			TenantID: p.TenantID, UserID: p.UserID, Target: flowdeck.WatchFlow,
			EnvironmentID: d.EnvironmentID, FlowID: d.FlowID, FlowName: x.al.Flow.DisplayName,
			Watermark: now, MutedUntil: until,
		})
		if err != nil && !errors.Is(err, flowdeck.ErrConflict) {
			return h.failed(x, err)
		}
	}
	out := h.outcome(x)
	out.Until = until
	return h.done(x, out, func(cd cardData) bool { return cd.Owner == p.UserID })
}
