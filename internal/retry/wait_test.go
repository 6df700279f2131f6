package retry_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/flowdeck/flowdeck/internal/retry"
)

func TestWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		if err := retry.Wait(t.Context(), 3*time.Second); err != nil {
			t.Fatalf("Wait = %v", err)
		}
		if got := time.Since(start); got != 3*time.Second {
			t.Errorf("waited %v, want 3s", got)
		}
	})
}

func TestWaitEndsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		if err := retry.Wait(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Wait = %v, want DeadlineExceeded", err)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("waited %v, want 1s (the context's deadline)", got)
		}
	})
}

func TestWaitNotPositive(t *testing.T) {
	if err := retry.Wait(t.Context(), 0); err != nil {
		t.Errorf("Wait(0) = %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := retry.Wait(ctx, -time.Second); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait(-1s) on a cancelled context = %v, want Canceled", err)
	}
	if err := retry.Wait(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait(1h) on a cancelled context = %v, want Canceled", err)
	}
}
