package server

import (
	"container/list"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// RateLimit is a token-bucket limit: Rate requests a second on average,
// with bursts of up to Burst at once. The zero value is off.
type RateLimit struct {
	// Rate is the sustained rate in requests a second; 0 turns the limit off.
	Rate float64
	// Burst is how many requests may arrive at once; at least 1 when Rate is set.
	Burst int
}

// maxLimiters caps the buckets one limit keeps in memory. Past it the least
// recently used bucket goes (its owner starts again with a full one), so a
// flood of distinct addresses costs at most a few tens of MB.
const maxLimiters = 100_000

// ipExempt are the routes the per-address limit leaves alone: the Bot
// Connector calls from Microsoft's shared addresses and is authenticated by
// its channel token; probes and scrapers must never be turned away.
var ipExempt = map[string]bool{"/api/messages": true, "/healthz": true, "/readyz": true, "/metrics": true}

// rateLimits are the server's two limits and their counter.
type rateLimits struct {
	ip      *limiterSet // nil when off
	user    *limiterSet // nil when off
	limited *prometheus.CounterVec
}

// newRateLimits checks opts' limits and registers the counter on opts.Registry.
func newRateLimits(opts Options) (*rateLimits, error) {
	for _, l := range []struct {
		name string
		rl   RateLimit
	}{{"RateLimitIP", opts.RateLimitIP}, {"RateLimitUser", opts.RateLimitUser}} {
		if l.rl.Rate < 0 || math.IsNaN(l.rl.Rate) || math.IsInf(l.rl.Rate, 0) || (l.rl.Rate > 0 && l.rl.Burst < 1) {
			return nil, fmt.Errorf("server: %s %+v: the rate must be 0 (off) or positive, with a burst of at least 1", l.name, l.rl)
		}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	r := &rateLimits{
		ip:   newLimiterSet(opts.RateLimitIP, maxLimiters, now),
		user: newLimiterSet(opts.RateLimitUser, maxLimiters, now),
		limited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flowdeck_rate_limited_total",
			Help: "Requests answered 429 by FlowDeck's own rate limits, by scope (ip or user).",
		}, []string{"scope"}),
	}
	if err := opts.Registry.Register(r.limited); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			return nil, fmt.Errorf("server: rate-limit metrics already registered on this registry: %w", err)
		}
		return nil, fmt.Errorf("server: registering rate-limit metrics: %w", err)
	}
	r.limited.WithLabelValues("ip")
	r.limited.WithLabelValues("user")
	return r, nil
}

// limitByIP is the per-address limit. It sits in the global chain, before
// the /api group's authentication, so a flood of forged tokens from one
// address is cut off before any signature is checked. The address is
// c.RealIP(), which believes X-Forwarded-For only from trusted proxies.
func (s *Server) limitByIP(next echo.HandlerFunc) echo.HandlerFunc {
	if s.limits.ip == nil {
		return next
	}
	return func(c echo.Context) error {
		if ipExempt[c.Path()] {
			return next(c)
		}
		if wait, ok := s.limits.ip.take(addressKey(c.RealIP())); !ok {
			return s.rateLimited("ip", wait)
		}
		return next(c)
	}
}

// userRateLimitRoutes adds the per-user limit to the /api group, after
// authenticate: only a verified principal is charged, so requests without a
// valid token never spend a user's budget. It must run before any route is
// registered on s.api, since Echo copies group middleware into each route.
func (s *Server) userRateLimitRoutes() {
	if s.limits.user != nil {
		s.api.Use(s.limitByUser)
	}
}

// limitByUser is the per-user limit, keyed by tenant id and object id.
func (s *Server) limitByUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, ok := flowdeck.PrincipalFrom(c.Request().Context())
		if !ok {
			return next(c) // authenticate always sets one; nothing to charge otherwise
		}
		if wait, ok := s.limits.user.take(p.TenantID + "/" + p.UserID); !ok {
			return s.rateLimited("user", wait)
		}
		return next(c)
	}
}

// rateLimited counts a refusal and returns the 429 error: the error handler
// sets Retry-After from RetryAfter. The message names neither the address
// nor the user, so logging the error leaks nothing.
func (s *Server) rateLimited(scope string, wait time.Duration) error {
	s.limits.limited.WithLabelValues(scope).Inc()
	secs := retryAfterSeconds(wait)
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	return &flowdeck.Error{
		Kind:       flowdeck.ErrThrottled,
		Message:    fmt.Sprintf("You're making requests faster than FlowDeck allows. Wait %d %s and try again.", secs, unit),
		RetryAfter: time.Duration(secs) * time.Second,
	}
}

// retryAfterSeconds rounds a wait up to whole seconds, at least 1.
func retryAfterSeconds(wait time.Duration) int64 {
	return max(1, int64(math.Ceil(wait.Seconds())))
}

// addressKey is the bucket of a client address: the IPv4 address itself, or
// the /64 of an IPv6 one, since one client usually holds a whole /64 and
// could otherwise rotate through it. Anything unparsable is its own key.
func addressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

// limiterSet holds one token bucket (a rate.Limiter) per key, in memory,
// bounded: a bucket unused long enough to be full again is dropped, which
// loses nothing, and past size entries the least recently used one goes.
// It is safe for concurrent use.
type limiterSet struct {
	limit rate.Limit
	burst int
	idle  time.Duration // how long an unused bucket takes to fill up
	size  int           // most buckets held
	now   func() time.Time

	mu    sync.Mutex
	byKey map[string]*list.Element // of *limiterEntry
	lru   list.List                // most recently used first
}

// limiterEntry is one key's bucket and when it was last used.
type limiterEntry struct {
	key  string
	lim  *rate.Limiter
	used time.Time
}

// newLimiterSet returns the buckets of rl, or nil when rl is off.
func newLimiterSet(rl RateLimit, size int, now func() time.Time) *limiterSet {
	if rl.Rate == 0 {
		return nil
	}
	return &limiterSet{
		limit: rate.Limit(rl.Rate),
		burst: rl.Burst,
		idle:  time.Duration(math.Ceil(float64(rl.Burst) / rl.Rate * float64(time.Second))),
		size:  size,
		now:   now,
		byKey: map[string]*list.Element{},
	}
}

// take spends one token of key's bucket. When the bucket is empty it spends
// nothing and reports how long until the next token arrives.
func (ls *limiterSet) take(key string) (wait time.Duration, ok bool) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	now := ls.now()
	ls.evictIdle(now)
	el := ls.byKey[key]
	if el == nil {
		if ls.lru.Len() >= ls.size {
			ls.remove(ls.lru.Back())
		}
		el = ls.lru.PushFront(&limiterEntry{key: key, lim: rate.NewLimiter(ls.limit, ls.burst)})
		ls.byKey[key] = el
	} else {
		ls.lru.MoveToFront(el)
	}
	e := el.Value.(*limiterEntry)
	e.used = now
	r := e.lim.ReserveN(now, 1)
	if !r.OK() {
		return time.Second, false // cannot happen with burst ≥ 1
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now) // a refused request spends nothing
		return d, false
	}
	return 0, true
}

// evictIdle drops, from the least recently used end, the buckets unused for
// long enough to be full again: a new bucket would behave the same.
func (ls *limiterSet) evictIdle(now time.Time) {
	for el := ls.lru.Back(); el != nil; el = ls.lru.Back() {
		if now.Sub(el.Value.(*limiterEntry).used) < ls.idle {
			return
		}
		ls.remove(el)
	}
}

// remove drops one bucket.
func (ls *limiterSet) remove(el *list.Element) {
	delete(ls.byKey, el.Value.(*limiterEntry).key)
	ls.lru.Remove(el)
}

// held is the number of buckets held.
func (ls *limiterSet) held() int {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.lru.Len()
}
