package botframework

import (
	"container/list"
	"context"
	"sort"
	"strings"
	"sync"
	"time"
)

// Window is one sliding-window rate limit: at most N operations in any period of length Per.
type Window struct {
	N   int
	Per time.Duration
}

// TeamsSendLimits are Teams' per-bot, per-conversation (per thread) limits
// for sending and creating conversations: 7 per second, 8 per 2 seconds,
// 60 per 30 seconds and 1800 per hour. A conversation is a personal chat, a
// group chat or a channel (all its threads together).
// https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit
var TeamsSendLimits = []Window{{7, time.Second}, {8, 2 * time.Second}, {60, 30 * time.Second}, {1800, time.Hour}}

// TeamsTenantLimits are Teams' global limits per bot per tenant: 50
// requests per second, whatever the operation.
// https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit
var TeamsTenantLimits = []Window{{50, time.Second}}

// DefaultLimitMargin is added to every window's period, so that requests
// the client spaced exactly still arrive spaced after network jitter.
const DefaultLimitMargin = 100 * time.Millisecond

// threadOf is the conversation a rate limit counts in: a channel thread
// ("19:…@thread.tacv2;messageid=…") counts in its channel.
func threadOf(conversationID string) string {
	if i := strings.Index(conversationID, ";messageid="); i >= 0 {
		return conversationID[:i]
	}
	return conversationID
}

type tenantKey struct{}

// WithTenant returns ctx with the tenant whose per-tenant rate limit the
// connector calls made with it count against. Without it, a call counts
// against the tenant of the activity being handled (CallerFrom), else
// against one bucket shared by every call whose tenant is unknown.
func WithTenant(ctx context.Context, tenantID string) context.Context {
	return context.WithValue(ctx, tenantKey{}, tenantID)
}

// tenantOf is the tenant a call made with ctx counts against.
func tenantOf(ctx context.Context) string {
	if t, ok := ctx.Value(tenantKey{}).(string); ok && t != "" {
		return strings.ToLower(t)
	}
	if c, ok := CallerFrom(ctx); ok {
		return strings.ToLower(c.TenantID)
	}
	return ""
}

// limiter paces connector calls under two families of limits at once: per
// conversation (conv) and per tenant. A call books one time slot in both,
// the earliest that every window of both allows, so the times each family
// records are the times the calls go out. The calls of one conversation go
// in the order they asked; a conversation waiting for its own limit does
// not hold up the rest of its tenant.
type limiter struct {
	clock  Clock
	margin time.Duration

	mu     sync.Mutex
	conv   *logSet
	tenant *logSet
}

func newLimiter(conv, tenant []Window, margin time.Duration, clock Clock, max int) *limiter {
	return &limiter{clock: clock, margin: margin, conv: newLogSet(conv, margin, max), tenant: newLogSet(tenant, margin, max)}
}

// wait blocks until a call in conversation conv ("" for none) of tenant
// tenant is allowed by every window, or ctx ends.
func (l *limiter) wait(ctx context.Context, conv, tenant string) error {
	if len(l.conv.windows) == 0 && len(l.tenant.windows) == 0 {
		return nil // limits off: no clock, no lock
	}
	at, d := l.reserve(conv, tenant)
	if d <= 0 {
		return nil
	}
	if err := l.clock.Wait(ctx, d); err != nil {
		l.cancel(conv, tenant, at)
		return err
	}
	return nil
}

// reserve books the earliest allowed time for one call and returns it with
// how long to wait for it.
func (l *limiter) reserve(conv, tenant string) (time.Time, time.Duration) {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	at := now
	var c *keyLog
	if conv != "" && len(l.conv.windows) > 0 {
		c = l.conv.get(conv, now)
		at = laterOf(at, c.earliest(l.conv.windows, l.margin))
	}
	var t *keyLog
	if len(l.tenant.windows) > 0 {
		t = l.tenant.get(tenant, now)
		at = t.firstFit(l.tenant.windows, l.margin, at)
		t.insert(at)
	}
	if c != nil {
		c.times = append(c.times, at)
	}
	return at, at.Sub(now)
}

// cancel gives back a reservation whose caller stopped waiting.
func (l *limiter) cancel(conv, tenant string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if conv != "" {
		l.conv.remove(conv, at)
	}
	l.tenant.remove(tenant, at)
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// keyLog is the booked times of one conversation or tenant, in order. A
// booking counts in a window of period P ending at y when y-P < booking ≤ y.
type keyLog struct {
	key   string
	times []time.Time
	elem  *list.Element
}

// earliest is the first time every window allows one more call, given the
// booked ones; never before the last booking, so calls keep their order.
func (k *keyLog) earliest(windows []Window, margin time.Duration) time.Time {
	var at time.Time
	n := len(k.times)
	if n > 0 {
		at = k.times[n-1]
	}
	for _, w := range windows {
		if n >= w.N {
			at = laterOf(at, k.times[n-w.N].Add(w.Per+margin))
		}
	}
	return at
}

// firstFit is the first time from from on at which one more booking keeps
// every window at or under its limit, counting the bookings already made
// for later times too. The count can only drop where a booking leaves a
// window, so those are the times to try.
func (k *keyLog) firstFit(windows []Window, margin time.Duration, from time.Time) time.Time {
	t := from
	for {
		if k.fits(windows, margin, t) {
			return t
		}
		var next time.Time
		for _, w := range windows {
			for _, b := range k.times {
				if leave := b.Add(w.Per + margin); leave.After(t) && (next.IsZero() || leave.Before(next)) {
					next = leave
				}
			}
		}
		if next.IsZero() {
			return t
		}
		t = next
	}
}

// fits reports whether a booking at t keeps every window that contains it
// (ending at t or at a later booking within the period) under its limit.
func (k *keyLog) fits(windows []Window, margin time.Duration, t time.Time) bool {
	for _, w := range windows {
		per := w.Per + margin
		if k.count(t.Add(-per), t)+1 > w.N {
			return false
		}
		for _, y := range k.between(t, t.Add(per)) {
			if k.count(y.Add(-per), y)+1 > w.N {
				return false
			}
		}
	}
	return true
}

// between returns the bookings in [from, to).
func (k *keyLog) between(from, to time.Time) []time.Time {
	i := sort.Search(len(k.times), func(i int) bool { return !k.times[i].Before(from) })
	j := sort.Search(len(k.times), func(i int) bool { return !k.times[i].Before(to) })
	return k.times[i:j]
}

// count is the number of bookings in (from, to].
func (k *keyLog) count(from, to time.Time) int {
	i := sort.Search(len(k.times), func(i int) bool { return k.times[i].After(from) })
	j := sort.Search(len(k.times), func(i int) bool { return k.times[i].After(to) })
	return j - i
}

// insert adds a booking at t, keeping the times in order.
func (k *keyLog) insert(t time.Time) {
	i := sort.Search(len(k.times), func(i int) bool { return k.times[i].After(t) })
	k.times = append(k.times, time.Time{})
	copy(k.times[i+1:], k.times[i:])
	k.times[i] = t
}

// logSet holds one keyLog per key, at most max of them; the least recently
// used is evicted first. The limiter's mutex guards it.
type logSet struct {
	windows []Window
	span    time.Duration
	max     int
	m       map[string]*keyLog
	lru     *list.List // front = most recently used
}

func newLogSet(windows []Window, margin time.Duration, keys int) *logSet {
	var span time.Duration
	for _, w := range windows {
		span = max(span, w.Per+margin)
	}
	return &logSet{windows: windows, span: span, max: keys, m: map[string]*keyLog{}, lru: list.New()}
}

// get returns the log of key without the times no window can see any more,
// creating it and evicting the least recently used one when the set is full.
func (s *logSet) get(key string, now time.Time) *keyLog {
	k, ok := s.m[key]
	if ok {
		s.lru.MoveToFront(k.elem)
	} else {
		for len(s.m) >= s.max {
			back := s.lru.Back()
			old := back.Value.(*keyLog)
			s.lru.Remove(back)
			delete(s.m, old.key)
		}
		k = &keyLog{key: key}
		k.elem = s.lru.PushFront(k)
		s.m[key] = k
	}
	cut := 0
	for cut < len(k.times) && !k.times[cut].After(now.Add(-s.span)) {
		cut++
	}
	k.times = k.times[cut:]
	return k
}

// remove deletes one booking of key at time at.
func (s *logSet) remove(key string, at time.Time) {
	k, ok := s.m[key]
	if !ok {
		return
	}
	for i := len(k.times) - 1; i >= 0; i-- {
		if k.times[i].Equal(at) {
			k.times = append(k.times[:i], k.times[i+1:]...)
			return
		}
	}
}

// size returns how many keys have a log.
func (s *logSet) size() int { return len(s.m) }
