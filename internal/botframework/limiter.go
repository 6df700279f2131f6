package botframework

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Window is one sliding-window rate limit: at most N operations in any period of length Per.
type Window struct {
	N   int
	Per time.Duration
}

// TeamsSendLimits are Teams' per-bot, per-conversation limits for sends:
// 7 per second, 8 per 2 seconds, 60 per 30 seconds.
var TeamsSendLimits = []Window{{7, time.Second}, {8, 2 * time.Second}, {60, 30 * time.Second}}

// convLimiter is the composite limiter of one conversation: the admission
// times of the recent (and reserved future) operations, in order.
type convLimiter struct {
	key   string
	times []time.Time
	elem  *list.Element
}

// limiterSet holds one convLimiter per conversation, at most max of them;
// the least recently used is evicted first.
type limiterSet struct {
	windows []Window
	span    time.Duration
	clock   Clock
	max     int

	mu  sync.Mutex
	m   map[string]*convLimiter
	lru *list.List // front = most recently used
}

func newLimiterSet(windows []Window, clock Clock, max int) *limiterSet {
	var span time.Duration
	for _, w := range windows {
		span = max2(span, w.Per)
	}
	return &limiterSet{windows: windows, span: span, clock: clock, max: max, m: map[string]*convLimiter{}, lru: list.New()}
}

func max2(a, b time.Duration) time.Duration {
	if a > b {
		return a
	}
	return b
}

// wait blocks until an operation in conversation key is allowed by every
// window, or ctx ends. Operations of one conversation are admitted in the
// order wait was called.
func (s *limiterSet) wait(ctx context.Context, key string) error {
	if len(s.windows) == 0 {
		return ctx.Err()
	}
	at, d := s.reserve(key)
	if d <= 0 {
		return nil
	}
	if err := s.clock.Wait(ctx, d); err != nil {
		s.cancel(key, at)
		return err
	}
	return nil
}

// reserve books the earliest allowed time for one operation and returns it
// with how long to wait for it.
func (s *limiterSet) reserve(key string) (time.Time, time.Duration) {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.get(key)
	// Forget what no window can see any more.
	cut := 0
	for cut < len(l.times) && !l.times[cut].After(now.Add(-s.span)) {
		cut++
	}
	l.times = l.times[cut:]
	at := now
	if n := len(l.times); n > 0 && l.times[n-1].After(at) {
		at = l.times[n-1]
	}
	for _, w := range s.windows {
		if n := len(l.times); n >= w.N {
			if t := l.times[n-w.N].Add(w.Per); t.After(at) {
				at = t
			}
		}
	}
	l.times = append(l.times, at)
	return at, at.Sub(now)
}

// cancel gives back a reservation whose caller stopped waiting.
func (s *limiterSet) cancel(key string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.m[key]
	if !ok {
		return
	}
	for i := len(l.times) - 1; i >= 0; i-- {
		if l.times[i].Equal(at) {
			l.times = append(l.times[:i], l.times[i+1:]...)
			return
		}
	}
}

// get returns the limiter of key, creating it and evicting the least
// recently used one when the set is full. s.mu is held.
func (s *limiterSet) get(key string) *convLimiter {
	if l, ok := s.m[key]; ok {
		s.lru.MoveToFront(l.elem)
		return l
	}
	for len(s.m) >= s.max {
		back := s.lru.Back()
		old := back.Value.(*convLimiter)
		s.lru.Remove(back)
		delete(s.m, old.key)
	}
	l := &convLimiter{key: key}
	l.elem = s.lru.PushFront(l)
	s.m[key] = l
	return l
}

// size returns how many conversations have a limiter.
func (s *limiterSet) size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
