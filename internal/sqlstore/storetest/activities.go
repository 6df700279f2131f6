package storetest

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func testActivities(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	const key = "activity:msteams:a:1:f:1"
	wantKind(t, "ClaimActivity without a key", s.ClaimActivity(ctx, "", clk.Now().Add(time.Hour)), flowdeck.ErrInvalid)

	must(t, "ClaimActivity", s.ClaimActivity(ctx, key, clk.Now().Add(time.Hour)))
	clk.Advance(59 * time.Minute)
	wantKind(t, "ClaimActivity again before it expires", s.ClaimActivity(ctx, key, clk.Now().Add(time.Hour)), flowdeck.ErrConflict)
	must(t, "ClaimActivity of another key", s.ClaimActivity(ctx, key+"0", clk.Now().Add(time.Hour)))

	// The retry above did not extend the first claim: it ends at +1 h.
	clk.Advance(time.Minute)
	must(t, "ClaimActivity once it expired", s.ClaimActivity(ctx, key, clk.Now().Add(time.Hour)))
	wantKind(t, "ClaimActivity after the new claim", s.ClaimActivity(ctx, key, clk.Now().Add(time.Hour)), flowdeck.ErrConflict)
}

func testActivitiesConcurrent(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	for _, key := range []string{"activity:msteams:a:2:f:1", "activity:msteams:a:2:f:2"} {
		var won, lost atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				err := s.ClaimActivity(ctx, key, clk.Now().Add(time.Hour))
				switch {
				case err == nil:
					won.Add(1)
				case errors.Is(err, flowdeck.ErrConflict):
					lost.Add(1)
				default:
					t.Errorf("ClaimActivity: %v", err)
				}
			})
		}
		wg.Wait()
		if won.Load() != 1 || lost.Load() != 7 {
			t.Errorf("%s: %d claims won and %d lost, want 1 and 7", key, won.Load(), lost.Load())
		}
		clk.Advance(2 * time.Hour) // the next key's race also takes over nothing stale
	}
}
