package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// RateLimit is a token-bucket limit on inbound requests: Rate requests a
// second on average, with bursts of up to Burst at once. The zero value is
// off. It is written "<n>/<unit> burst <b>" (unit s, m or h), or "off".
type RateLimit struct {
	// Rate is the sustained rate, in requests a second; 0 means off.
	Rate float64
	// Burst is how many requests may arrive at once before the rate applies.
	Burst int
}

// Default rate limits. The per-address limit is generous on purpose: a
// corporate NAT or proxy can put thousands of Teams users behind one address.
var (
	defaultRateLimitUser = RateLimit{Rate: 10, Burst: 40}
	defaultRateLimitIP   = RateLimit{Rate: 100, Burst: 500}
)

// Limits on what a rate limit may say, so a typo cannot make one meaningless.
const (
	maxRate  = 1_000_000 // requests a second
	maxBurst = 1_000_000
)

// Off reports whether the limit is turned off.
func (r RateLimit) Off() bool { return r.Rate == 0 }

// String writes the limit in the syntax ParseRateLimit reads.
func (r RateLimit) String() string {
	if r.Off() {
		return "off"
	}
	return strconv.FormatFloat(r.Rate, 'f', -1, 64) + "/s burst " + strconv.Itoa(r.Burst)
}

// ParseRateLimit reads "<n>/<unit> burst <b>" — n requests a second (s),
// minute (m) or hour (h), n > 0, and a burst b of at least 1 — or "off".
// Letter case and spacing around the words do not matter:
// "10/s burst 40", "600/m burst 40" and "off" are all valid.
func ParseRateLimit(v string) (RateLimit, error) {
	const syntax = `must be "<requests>/<s|m|h> burst <n>", such as "10/s burst 40", or "off"`
	f := strings.Fields(strings.ToLower(v))
	if len(f) == 1 && f[0] == "off" {
		return RateLimit{}, nil
	}
	if len(f) != 3 || f[1] != "burst" {
		return RateLimit{}, fmt.Errorf("%s (got %q)", syntax, v)
	}
	num, unit, ok := strings.Cut(f[0], "/")
	if !ok {
		return RateLimit{}, fmt.Errorf("%s (got %q)", syntax, v)
	}
	per := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}[unit]
	if per == 0 {
		return RateLimit{}, fmt.Errorf("%s: the unit after / must be s, m or h (got %q)", syntax, unit)
	}
	n, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return RateLimit{}, fmt.Errorf("%s: %q is not a number of requests", syntax, num)
	}
	rate := n / per.Seconds()
	if n <= 0 || rate > maxRate {
		return RateLimit{}, fmt.Errorf("the rate must be above 0 and at most %d/s (got %q); to turn the limit off, write off", maxRate, f[0])
	}
	b, err := strconv.Atoi(f[2])
	if err != nil || b < 1 || b > maxBurst {
		return RateLimit{}, fmt.Errorf("the burst must be a whole number from 1 to %d (got %q)", maxBurst, f[2])
	}
	return RateLimit{Rate: rate, Burst: b}, nil
}

// rateLimit parses the value of a rate-limit variable, recording a problem.
func (l *loader) rateLimit(name, v string) RateLimit {
	r, err := ParseRateLimit(v)
	if err != nil {
		l.addf("%s: %v", name, err)
	}
	return r
}
