package cardaction

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
// Only the invoker's own personal cards are updated. A card mutes once per
// user (it then says until when).
func (rt *Router) mute(x *alertAction) *botframework.InvokeResponse {
	p, d := x.in.p, x.d
	now := rt.o.Now()
	until := now.Add(MuteFor)
	ran, err := rt.claim(x.in, p.UserID+":"+d.EnvironmentID+"/"+d.FlowID, func() error {
		return rt.muteFlow(x, now, until)
	})
	if err != nil {
		return rt.failed(x, err)
	}
	if !ran {
		return rt.already(x)
	}
	out := rt.outcome(x)
	out.Until = until
	return rt.done(x, out, func(cd cardData) bool { return cd.Owner == p.UserID })
}

// muteFlow sets MutedUntil on the invoker's subscriptions of x's flow, or
// creates a muted one.
func (rt *Router) muteFlow(x *alertAction, now, until time.Time) error {
	ctx, p, d := x.in.ctx, x.in.p, x.d
	subs, err := rt.o.Subscriptions.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: p.TenantID, UserID: p.UserID})
	if err != nil {
		return err
	}
	n := 0
	for _, s := range subs {
		if s.Target == flowdeck.WatchFlow && s.EnvironmentID == d.EnvironmentID && s.FlowID == d.FlowID {
			if err := rt.o.Subscriptions.SetMutedUntil(ctx, s.ID, until); err != nil {
				return err
			}
			n++
		}
	}
	if n > 0 {
		return nil
	}
	_, err = rt.o.Subscriptions.CreateSubscription(ctx, flowdeck.Subscription{
		TenantID: p.TenantID, UserID: p.UserID, Target: flowdeck.WatchFlow,
		EnvironmentID: d.EnvironmentID, FlowID: d.FlowID, FlowName: x.al.Flow.DisplayName,
		Watermark: now, MutedUntil: until,
	})
	if errors.Is(err, flowdeck.ErrConflict) {
		return nil
	}
	return err
}
