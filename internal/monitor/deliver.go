package monitor

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// sendTimeout bounds one card's delivery and its record.
const sendTimeout = 30 * time.Second

// errInFlight means another worker is delivering the same card right now.
var errInFlight = errors.New("monitor: that card is being delivered elsewhere")

// once delivers the card named key to conv exactly once: it claims key in the
// notification log, sends, and records the activity id. When key was
// delivered before it sends nothing and returns that delivery's activity id
// with sent false. A claim left pending by a replica that died mid-send is
// taken over once it is older than a lease period and a send's timeout (the
// dead replica's shard is this replica's now). The send and its record run under a context that
// shutting down does not cut, so a card never goes out unrecorded because the
// replica was stopping.
func (m *Monitor) once(ctx context.Context, kind, key string, conv flowdeck.ConversationRef, subID string, count int,
	send func(context.Context) (string, error)) (id string, sent bool, err error) {
	if err := ctx.Err(); err != nil {
		return "", false, err // stopping: start no new delivery
	}
	// From the claim to the record, stopping does not cut the delivery: a
	// claim left pending would hold the card back for a lease period.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
	defer cancel()
	n := flowdeck.Notification{Key: key, SubscriptionID: subID, TenantID: conv.TenantID, ConversationID: conv.ConversationID,
		State: flowdeck.NotificationPending, Count: count}
	prev, err := m.o.Store.ClaimNotification(ctx, n)
	if errors.Is(err, flowdeck.ErrConflict) {
		if prev.State == flowdeck.NotificationSent {
			m.countNote(kind, "deduplicated")
			return prev.ActivityID, false, nil
		}
		// A live send may take sendTimeout; only a claim older than that
		// (and than a lease period) was surely abandoned.
		if m.clock.Now().Sub(prev.CreatedAt) < max(m.o.LeaseTTL, sendTimeout+m.o.Tick) {
			return "", false, errInFlight
		}
		m.log.LogAttrs(ctx, slog.LevelWarn, "monitor: taking over a delivery left pending", slog.String("kind", kind))
		if err := m.o.Store.ReleaseNotification(ctx, key); err != nil && !errors.Is(err, flowdeck.ErrNotFound) {
			return "", false, err
		}
		if _, err = m.o.Store.ClaimNotification(ctx, n); err != nil {
			if errors.Is(err, flowdeck.ErrConflict) {
				return "", false, errInFlight
			}
			return "", false, err
		}
	} else if err != nil {
		return "", false, err
	}
	id, err = send(ctx)
	if err != nil {
		m.countNote(kind, "failed")
		if rerr := m.o.Store.ReleaseNotification(ctx, key); rerr != nil {
			m.log.LogAttrs(ctx, slog.LevelError, "monitor: release a failed delivery", slog.String("kind", kind), slog.Any("err", rerr))
		}
		return "", false, err
	}
	m.countNote(kind, "sent")
	if err := m.o.Store.CompleteNotification(ctx, key, id, count); err != nil {
		// The card is out; the pending claim is retaken after a lease period.
		m.log.LogAttrs(ctx, slog.LevelError, "monitor: record a delivery", slog.String("kind", kind), slog.Any("err", err))
	}
	return id, true, nil
}
