package retry

import (
	"context"
	"time"
)

// Wait blocks for d or until ctx is done, whichever comes first, and then
// returns ctx.Err(): nil when the whole wait passed. A d of 0 or less does
// not block.
func Wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
