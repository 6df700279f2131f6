package identity

import (
	"hash/maphash"
	"strings"
	"sync"
)

// cacheShards spreads users over independently locked maps.
const cacheShards = 64

// userKey names a user: tenant id and object id, as the principal has them.
type userKey struct{ tenant, user string }

// cacheEntry is one cached access token and the time (Unix nanoseconds, by
// the broker's clock) from which it must be renewed instead of served.
type cacheEntry struct {
	token     string
	refreshAt int64
}

// tokenCache is the broker's in-memory access-token cache: per user, one
// small slot per audience (no refresh tokens, no scopes). Lookups take a
// shard's read lock and allocate nothing.
type tokenCache struct {
	seed    maphash.Seed
	nAud    int
	shards  [cacheShards]cacheShard
	tenants sync.Map // interned tenant ids: every user of a tenant shares one string
}

type cacheShard struct {
	mu sync.RWMutex
	m  map[userKey][]cacheEntry
}

func newTokenCache(audiences int) *tokenCache {
	c := &tokenCache{seed: maphash.MakeSeed(), nAud: audiences}
	for i := range c.shards {
		c.shards[i].m = map[userKey][]cacheEntry{}
	}
	return c
}

func (c *tokenCache) shard(user string) *cacheShard {
	return &c.shards[maphash.String(c.seed, user)%cacheShards]
}

// get returns the cached token of audience ai if it need not be renewed at now.
func (c *tokenCache) get(tenant, user string, ai int, now int64) (string, bool) {
	s := c.shard(user)
	s.mu.RLock()
	e := s.m[userKey{tenant, user}]
	var ent cacheEntry
	if ai < len(e) {
		ent = e[ai]
	}
	s.mu.RUnlock()
	if ent.token == "" || now >= ent.refreshAt {
		return "", false
	}
	return ent.token, true
}

// put caches a token of audience ai until refreshAt.
func (c *tokenCache) put(tenant, user string, ai int, token string, refreshAt int64) {
	s := c.shard(user)
	k := userKey{tenant, user}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[k]
	if !ok {
		// Own the key's memory: the principal's strings may be slices of a
		// larger buffer (a decoded token) that must not stay reachable.
		k = userKey{c.intern(tenant), strings.Clone(user)}
		e = make([]cacheEntry, c.nAud)
		s.m[k] = e
	}
	e[ai] = cacheEntry{token: token, refreshAt: refreshAt}
}

// deleteUser forgets every token of a user.
func (c *tokenCache) deleteUser(tenant, user string) {
	s := c.shard(user)
	s.mu.Lock()
	delete(s.m, userKey{tenant, user})
	s.mu.Unlock()
}

// len returns the number of cached users.
func (c *tokenCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

func (c *tokenCache) intern(tenant string) string {
	if v, ok := c.tenants.Load(tenant); ok {
		return v.(string)
	}
	t := strings.Clone(tenant)
	v, _ := c.tenants.LoadOrStore(t, t)
	return v.(string)
}

// evict forgets the cached token of audience ai if it is token (any token
// when token is ""); a token renewed in the meantime stays.
func (c *tokenCache) evict(tenant, user string, ai int, token string) {
	s := c.shard(user)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.m[userKey{tenant, user}]
	if ai < len(e) && (token == "" || e[ai].token == token) {
		e[ai] = cacheEntry{}
	}
}
