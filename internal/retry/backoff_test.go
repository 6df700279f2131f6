package retry_test

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/retry"
)

func TestBackoffDelay(t *testing.T) {
	fixed := func(f float64) func() float64 { return func() float64 { return f } }
	full := retry.Backoff{Base: 250 * time.Millisecond, Max: 8 * time.Second}
	spread := retry.Backoff{Base: 2 * time.Second, Max: 20 * time.Second, Low: 0.8, High: 1.2}
	for _, tt := range []struct {
		name    string
		b       retry.Backoff
		r       float64
		attempt int
		want    time.Duration
	}{
		{name: "full jitter, first retry, top", b: full, r: 0.999999, attempt: 0, want: 249999750 * time.Nanosecond},
		{name: "full jitter, first retry, middle", b: full, r: 0.5, attempt: 0, want: 125 * time.Millisecond},
		{name: "full jitter, doubled", b: full, r: 0.5, attempt: 2, want: 500 * time.Millisecond},
		{name: "full jitter, bottom", b: full, r: 0, attempt: 3, want: 0},
		{name: "full jitter, capped", b: full, r: 0.5, attempt: 6, want: 4 * time.Second},
		{name: "full jitter, far past the cap", b: full, r: 0.5, attempt: 200, want: 4 * time.Second},
		{name: "spread, low edge", b: spread, r: 0, attempt: 0, want: 1600 * time.Millisecond},
		{name: "spread, middle", b: spread, r: 0.5, attempt: 1, want: 4 * time.Second},
		{name: "spread, capped", b: spread, r: 0.5, attempt: 4, want: 20 * time.Second},
		{name: "spread, no overflow", b: spread, r: 0.5, attempt: 62, want: 20 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.b
			b.Rand = fixed(tt.r)
			if got := b.Delay(tt.attempt); got != tt.want {
				t.Errorf("Delay(%d) = %v, want %v", tt.attempt, got, tt.want)
			}
		})
	}
}

// TestBackoffDefaultRand: without Rand the delays still fall in the range.
func TestBackoffDefaultRand(t *testing.T) {
	b := retry.Backoff{Base: time.Second, Max: time.Minute, Low: 0.8, High: 1.2}
	for range 1000 {
		if d := b.Delay(1); d < 1600*time.Millisecond || d >= 2400*time.Millisecond {
			t.Fatalf("Delay(1) = %v, want in [1.6s, 2.4s)", d)
		}
	}
}
