package actions

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
func (h *Handler) once(ctx context.Context, n flowdeck.Notification, do func() error) (ran bool, err error) {
	h.mu.Lock()
	wait, busy := h.inflight[n.Key]
	if !busy {
		wait = make(chan struct{})
		h.inflight[n.Key] = wait
	}
	h.mu.Unlock()
	if busy {
		select {
		case <-wait:
		case <-ctx.Done():
		}
		return false, nil
	}
	defer func() {
		h.mu.Lock()
		delete(h.inflight, n.Key)
		h.mu.Unlock()
		close(wait)
	}()
	if _, err := h.o.Idempotency.ClaimNotification(ctx, n); errors.Is(err, flowdeck.ErrConflict) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if err := do(); err != nil {
		if notDone(err) {
			if rerr := h.o.Idempotency.ReleaseNotification(context.WithoutCancel(ctx), n.Key); rerr != nil {
				h.log.LogAttrs(ctx, slog.LevelWarn, "actions: release key", slog.String("key", n.Key), slog.Any("err", rerr))
			}
		}
		return true, err
	}
	if err := h.o.Idempotency.CompleteNotification(context.WithoutCancel(ctx), n.Key, n.ActivityID, 1); err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "actions: complete key", slog.String("key", n.Key), slog.Any("err", err))
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
