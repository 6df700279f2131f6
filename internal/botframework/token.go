package botframework

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// tokenMargin is how long before its expiry a token is no longer reused.
const tokenMargin = 5 * time.Minute

// tokenMemo keeps the token source's last token until shortly before it
// expires, so a send does not go through the token source (MSAL's cache
// lookup costs about as much as encoding the reply). A token whose expiry
// cannot be read is not kept; a token the connector refused is forgotten.
// Calls that find no token share one call to the source: at start-up a burst
// of sends would otherwise each fetch a token of their own.
type tokenMemo struct {
	ts    TokenSource
	clock Clock
	group singleflight.Group

	mu    sync.Mutex
	tok   string
	until time.Time
}

func (m *tokenMemo) Token(ctx context.Context) (string, error) {
	now := m.clock.Now()
	m.mu.Lock()
	tok, until := m.tok, m.until
	m.mu.Unlock()
	if tok != "" && now.Before(until) {
		return tok, nil
	}
	ch := m.group.DoChan("token", func() (any, error) {
		// Not cancelled with the caller that started it: others wait too.
		tok, err := m.ts.Token(context.WithoutCancel(ctx))
		if err != nil {
			return "", err
		}
		if exp, ok := expiry(tok); ok && m.clock.Now().Before(exp.Add(-tokenMargin)) {
			m.mu.Lock()
			m.tok, m.until = tok, exp.Add(-tokenMargin)
			m.mu.Unlock()
		}
		return tok, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	case <-ctx.Done():
		return "", flowdeck.Wrap(flowdeck.ErrUnavailable, ctx.Err(), "botframework: gave up waiting for a token")
	}
}

// forget drops tok if it is the one kept.
func (m *tokenMemo) forget(tok string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tok == tok {
		m.tok, m.until = "", time.Time{}
	}
}

// expiry reads the exp claim of a JWT without verifying it: the token is
// the client's own, from its token source; only when to ask again depends on it.
func expiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, false
	}
	var c struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(payload, &c) != nil {
		return time.Time{}, false
	}
	exp, err := c.Exp.Int64()
	if err != nil || exp <= 0 {
		return time.Time{}, false
	}
	return time.Unix(exp, 0), true
}
