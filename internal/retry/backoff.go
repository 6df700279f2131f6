package retry

import (
	"math/rand/v2"
	"time"
)

// Backoff is an exponential backoff with jitter: before retry number
// attempt+1 it waits d·f, where d = min(Max, Base·2^attempt) and f is
// uniform in [Low, High). Low 0 and High 1 (the zero value) is full jitter.
type Backoff struct {
	// Base is the first delay before jitter; Max caps every delay before jitter.
	Base, Max time.Duration
	// Low and High bound the jitter factor; both 0 means [0, 1), full jitter.
	Low, High float64
	// Rand returns a float in [0, 1); default math/rand/v2's Float64.
	Rand func() float64
}

// Delay returns the wait before retry number attempt+1 (attempt 0 is the
// first retry).
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.Max
	if attempt >= 0 && attempt < 63 && b.Base <= b.Max>>attempt {
		d = b.Base << attempt
	}
	lo, hi := b.Low, b.High
	if lo == 0 && hi == 0 {
		hi = 1
	}
	r := b.Rand
	if r == nil {
		r = rand.Float64
	}
	return time.Duration(float64(d) * (lo + (hi-lo)*r()))
}
