package botframework

import (
	"context"
	"time"

	"github.com/flowdeck/flowdeck/internal/retry"
)

// Clock is the time the connector client waits on (rate limits, backoff).
// Tests inject a fake one instead of sleeping.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Wait blocks for d, or until ctx is done (returning ctx.Err()).
	Wait(ctx context.Context, d time.Duration) error
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Wait(ctx context.Context, d time.Duration) error { return retry.Wait(ctx, d) }
