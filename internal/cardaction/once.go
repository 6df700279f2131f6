package cardaction

import (
	"context"
	"errors"
	"log/slog"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// once runs do at most once for n.Key across clicks, clients and replicas:
// it claims the key in the NotificationLog before do and completes it after.
// ran is false when the key was claimed already (another click did or is
// doing it); a click on this replica then first waits for that one to end.
// A failure that certainly did not reach upstream releases the key, so the
// user can try again; any other keeps it claimed.
func (rt *Router) once(ctx context.Context, n flowdeck.Notification, do func() error) (ran bool, err error) {
	rt.mu.Lock()
	wait, busy := rt.inflight[n.Key]
	if !busy {
		wait = make(chan struct{})
		rt.inflight[n.Key] = wait
	}
	rt.mu.Unlock()
	if busy {
		select {
		case <-wait:
		case <-ctx.Done():
		}
		return false, nil
	}
	defer func() {
		rt.mu.Lock()
		delete(rt.inflight, n.Key)
		rt.mu.Unlock()
		close(wait)
	}()
	if _, err := rt.o.Idempotency.ClaimNotification(ctx, n); errors.Is(err, flowdeck.ErrConflict) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if err := do(); err != nil {
		if notDone(err) {
			if rerr := rt.o.Idempotency.ReleaseNotification(context.WithoutCancel(ctx), n.Key); rerr != nil {
				rt.log.LogAttrs(ctx, slog.LevelWarn, "cardaction: release key", slog.String("key", n.Key), slog.Any("err", rerr))
			}
		}
		return true, err
	}
	if err := rt.o.Idempotency.CompleteNotification(context.WithoutCancel(ctx), n.Key, n.ActivityID, 1); err != nil {
		rt.log.LogAttrs(ctx, slog.LevelWarn, "cardaction: complete key", slog.String("key", n.Key), slog.Any("err", err))
	}
	return true, nil
}

// notDone reports whether err means the upstream call certainly did not
// happen (it was refused, or never sent). Timeouts, 5xx answers and
// unknown failures may have happened, unless the state was re-read and the
// change found not done (flowdeck.ErrNotDone).
func notDone(err error) bool {
	if errors.Is(err, flowdeck.ErrNotDone) {
		return true
	}
	switch flowdeck.KindOf(err) {
	case flowdeck.ErrInvalid, flowdeck.ErrNotFound, flowdeck.ErrConflict, flowdeck.ErrForbidden,
		flowdeck.ErrUnauthenticated, flowdeck.ErrConsentRequired, flowdeck.ErrInteractionRequired,
		flowdeck.ErrThrottled, flowdeck.ErrMisconfigured:
		return true
	}
	return false
}
