package graph

import (
	"container/list"
	"context"
	"errors"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Defaults of NamesOptions.
const (
	DefaultNameTTL    = time.Hour
	DefaultMissingTTL = 10 * time.Minute
	DefaultDeniedTTL  = 10 * time.Minute
	DefaultMaxNames   = 10_000
	// lookupTimeout bounds one shared look-up, whoever waits for it: names
	// are worth a short wait, never a slow view.
	lookupTimeout = 5 * time.Second
)

// NamesOptions configure Names.
type NamesOptions struct {
	// Client reads names from Graph; required.
	Client *Client
	// TTL is how long a name is kept (DefaultNameTTL).
	TTL time.Duration
	// MissingTTL is how long an id Graph does not know is remembered as
	// unknown (DefaultMissingTTL).
	MissingTTL time.Duration
	// DeniedTTL is how long a user whose look-ups Graph refused (403: the
	// permission is not granted) is not asked again (DefaultDeniedTTL).
	DeniedTTL time.Duration
	// MaxEntries bounds the cache over every tenant (DefaultMaxNames); the
	// least recently used entries go first.
	MaxEntries int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger hears, once per tenant and kind of failure, that names could not
	// be read; nil discards it.
	Logger *slog.Logger
}

// Names resolves user object ids to display names through a Client, as the
// principal in each call's context. Names are cached per tenant (an id of one
// tenant is never answered from another's entries), for a TTL and within a
// bound; concurrent look-ups of the same id share one request. It never
// fails: ids it cannot name are absent from its answer, and callers show a
// placeholder (flowdeck.Someone) instead.
type Names struct {
	client                *Client
	ttl, missing, denyTTL time.Duration
	max                   int
	now                   func() time.Time
	log                   *slog.Logger

	mu       sync.Mutex
	entries  map[string]*list.Element // tenant/id → *nameEntry in lru
	lru      *list.List               // front: most recently used
	inflight map[string]*flight       // tenant/id → the look-up under way
	denied   map[string]time.Time     // tenant/user → no look-ups until
	warned   map[string]bool          // tenant/kind → already logged
	onWait   func()                   // tests: a caller waits for another's look-up
}

type nameEntry struct {
	key     string
	name    string // "" when Graph does not know the id
	expires time.Time
}

// flight is one look-up that several callers may wait for.
type flight struct {
	done  chan struct{}
	names map[string]string
}

// NewNames returns a resolver.
func NewNames(o NamesOptions) *Names {
	n := &Names{client: o.Client, ttl: o.TTL, missing: o.MissingTTL, denyTTL: o.DeniedTTL, max: o.MaxEntries, now: o.Now, log: o.Logger,
		entries: map[string]*list.Element{}, lru: list.New(), inflight: map[string]*flight{}, denied: map[string]time.Time{}, warned: map[string]bool{}}
	if n.ttl <= 0 {
		n.ttl = DefaultNameTTL
	}
	if n.missing <= 0 {
		n.missing = DefaultMissingTTL
	}
	if n.denyTTL <= 0 {
		n.denyTTL = DefaultDeniedTTL
	}
	if n.max <= 0 {
		n.max = DefaultMaxNames
	}
	if n.now == nil {
		n.now = time.Now
	}
	if n.log == nil {
		n.log = slog.New(slog.DiscardHandler)
	}
	return n
}

// DisplayNames returns the names it can find for ids (object ids; anything
// else is ignored), keyed by the lower-cased id, in the tenant of the
// principal in ctx. Without a principal it answers nothing.
func (n *Names) DisplayNames(ctx context.Context, ids []string) map[string]string {
	out := map[string]string{}
	p, ok := flowdeck.PrincipalFrom(ctx)
	if !ok || !p.Valid() || n == nil || n.client == nil {
		return out
	}
	tenant := strings.ToLower(p.TenantID)
	userKey := tenant + "/" + strings.ToLower(p.UserID)

	var waits []*flight
	var mine []string
	var f *flight
	n.mu.Lock()
	now := n.now()
	for _, id := range uniqueIDs(ids) {
		key := tenant + "/" + id
		if e, ok := n.get(key, now); ok {
			if e.name != "" {
				out[id] = e.name
			}
			continue
		}
		if w, ok := n.inflight[key]; ok {
			waits = append(waits, w)
			continue
		}
		mine = append(mine, id)
	}
	if until, ok := n.denied[userKey]; ok && now.Before(until) {
		mine = nil
	}
	if len(mine) > 0 {
		f = &flight{done: make(chan struct{})}
		for _, id := range mine {
			n.inflight[tenant+"/"+id] = f
		}
	}
	n.mu.Unlock()

	if f != nil {
		n.lookUp(ctx, tenant, userKey, mine, f)
		maps.Copy(out, f.names)
	}
	if len(waits) > 0 && n.onWait != nil {
		n.onWait()
	}
	for _, w := range waits {
		select {
		case <-w.done:
			maps.Copy(out, w.names)
		case <-ctx.Done():
			return out
		}
	}
	// A waiter's answer may name more ids than this caller asked for.
	for id := range out {
		if !containsFold(ids, id) {
			delete(out, id)
		}
	}
	return out
}

// lookUp asks Graph for ids, fills f and the cache, and releases the waiters.
// The request is not cancelled by the caller's context (others may wait for
// it) but by lookupTimeout.
func (n *Names) lookUp(ctx context.Context, tenant, userKey string, ids []string, f *flight) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupTimeout)
	names, err := n.client.DisplayNames(lctx, ids)
	cancel()
	f.names = names

	n.mu.Lock()
	now := n.now()
	for _, id := range ids {
		key := tenant + "/" + id
		delete(n.inflight, key)
		switch name, found := names[id]; {
		case found:
			n.put(key, name, now.Add(n.ttl))
		case err == nil:
			n.put(key, "", now.Add(n.missing))
		}
	}
	kind := ""
	switch {
	case err == nil:
		for k := range n.warned {
			if strings.HasPrefix(k, tenant+"/") {
				delete(n.warned, k)
			}
		}
	case errors.Is(err, flowdeck.ErrForbidden):
		kind = "forbidden"
		n.denied[userKey] = now.Add(n.denyTTL)
	default:
		kind = "unavailable"
	}
	first := kind != "" && !n.warned[tenant+"/"+kind]
	if first {
		n.warned[tenant+"/"+kind] = true
	}
	n.mu.Unlock()
	close(f.done)

	if first {
		n.log.WarnContext(ctx, "people are shown without their names: Microsoft Graph did not name them",
			"tenant_id", tenant, "reason", kind, "error", flowdeck.Message(err))
	}
}

// get returns the live entry of key, dropping it when expired. n.mu is held.
func (n *Names) get(key string, now time.Time) (nameEntry, bool) {
	el, ok := n.entries[key]
	if !ok {
		return nameEntry{}, false
	}
	e := el.Value.(*nameEntry)
	if !now.Before(e.expires) {
		n.lru.Remove(el)
		delete(n.entries, key)
		return nameEntry{}, false
	}
	n.lru.MoveToFront(el)
	return *e, true
}

// put stores an entry, evicting the least recently used beyond the bound. n.mu is held.
func (n *Names) put(key, name string, expires time.Time) {
	if el, ok := n.entries[key]; ok {
		*el.Value.(*nameEntry) = nameEntry{key: key, name: name, expires: expires}
		n.lru.MoveToFront(el)
		return
	}
	n.entries[key] = n.lru.PushFront(&nameEntry{key: key, name: name, expires: expires})
	for n.lru.Len() > n.max {
		last := n.lru.Back()
		n.lru.Remove(last)
		delete(n.entries, last.Value.(*nameEntry).key)
	}
}

// Len is how many ids the cache holds, over every tenant.
func (n *Names) Len() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.lru.Len()
}

func containsFold(ids []string, id string) bool {
	for _, x := range ids {
		if strings.EqualFold(strings.TrimSpace(x), id) {
			return true
		}
	}
	return false
}
