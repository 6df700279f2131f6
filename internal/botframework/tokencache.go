package botframework

import (
	"crypto/rsa"
	"sync"
)

// maxVerifiedTokens bounds the verified-token cache; past it the cache starts
// over. The channel reuses one token for most of its hour, so a handful of
// entries serve all the traffic.
const maxVerifiedTokens = 1024

// verifiedToken is a channel token whose signature Verify checked: its claims
// and the key that verified it.
type verifiedToken struct {
	claims channelClaims
	src    *keySource
	kid    string
	pub    *rsa.PublicKey
	isBF   bool
}

// tokenCache remembers the tokens whose signature checked out, so the same
// token on the next activity costs no RSA verification. It only saves the
// signature check of the same bytes with the same key: Verify still looks
// the key up (a refreshed key set starts over), checks the times and the
// audience, the serviceurl claim and the endorsements on every activity.
type tokenCache struct {
	mu sync.RWMutex
	m  map[string]*verifiedToken
}

func (c *tokenCache) get(raw string) (*verifiedToken, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[raw]
	return e, ok
}

func (c *tokenCache) put(raw string, e *verifiedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxVerifiedTokens {
		c.m = make(map[string]*verifiedToken)
	}
	c.m[raw] = e
}
