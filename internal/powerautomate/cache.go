package powerautomate

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// cache keeps, per principal, the environments and flow lists for a short
// time; it holds at most size principals, dropping the oldest first.
type cache struct {
	mu    sync.Mutex
	size  int
	ttl   time.Duration
	now   func() time.Time
	m     map[string]*cacheEntry
	order []string
}

type cacheEntry struct {
	mu      sync.Mutex
	ttl     time.Duration
	now     func() time.Time
	envs    []flowdeck.Environment
	envsAt  time.Time
	flows   map[string][]flowdeck.Flow
	flowsAt map[string]time.Time
	// failed are the reads of flows' failed runs (failedruns.go), swept of
	// the old ones at failedSwept.
	failed      map[string]failedRead
	failedSwept time.Time
}

func newCache(size int, ttl time.Duration, now func() time.Time) *cache {
	return &cache{size: size, ttl: ttl, now: now, m: map[string]*cacheEntry{}}
}

// entry returns the principal's entry (a throwaway one without a principal).
func (c *cache) entry(ctx context.Context) *cacheEntry {
	p, ok := flowdeck.PrincipalFrom(ctx)
	fresh := &cacheEntry{ttl: c.ttl, now: c.now, flows: map[string][]flowdeck.Flow{}, flowsAt: map[string]time.Time{}}
	if !ok {
		return fresh
	}
	key := p.TenantID + "/" + p.UserID
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.m[key]; e != nil {
		return e
	}
	for len(c.order) >= c.size {
		delete(c.m, c.order[0])
		c.order = slices.Delete(c.order, 0, 1)
	}
	c.m[key] = fresh
	c.order = append(c.order, key)
	return fresh
}

func (e *cacheEntry) fresh(at time.Time) bool { return !at.IsZero() && e.now().Sub(at) < e.ttl }

func (e *cacheEntry) getEnvs() ([]flowdeck.Environment, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.envs, e.fresh(e.envsAt)
}

func (e *cacheEntry) putEnvs(envs []flowdeck.Environment) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.envs, e.envsAt = envs, e.now()
}

func (e *cacheEntry) getFlows(env string) ([]flowdeck.Flow, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.flows[env], e.fresh(e.flowsAt[env])
}

func (e *cacheEntry) putFlows(env string, fs []flowdeck.Flow) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for k, at := range e.flowsAt {
		if !e.fresh(at) {
			delete(e.flows, k)
			delete(e.flowsAt, k)
		}
	}
	e.flows[env], e.flowsAt[env] = fs, e.now()
}

// forget drops the principal's entry, if any.
func (c *cache) forget(ctx context.Context) {
	p, ok := flowdeck.PrincipalFrom(ctx)
	if !ok {
		return
	}
	key := p.TenantID + "/" + p.UserID
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; ok {
		delete(c.m, key)
		c.order = slices.DeleteFunc(c.order, func(k string) bool { return k == key })
	}
}
