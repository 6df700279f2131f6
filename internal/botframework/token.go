package botframework

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"time"
)

// tokenMargin is how long before its expiry a token is no longer reused.
const tokenMargin = 5 * time.Minute

// tokenMemo keeps the token source's last token until shortly before it
// expires, so a send does not go through the token source (MSAL's cache
// lookup costs about as much as encoding the reply). A token whose expiry
// cannot be read is not kept; a token the connector refused is forgotten.
type tokenMemo struct {
	ts    TokenSource
	clock Clock

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
	tok, err := m.ts.Token(ctx)
	if err != nil {
		return "", err
	}
	if exp, ok := expiry(tok); ok && now.Before(exp.Add(-tokenMargin)) {
		m.mu.Lock()
		m.tok, m.until = tok, exp.Add(-tokenMargin)
		m.mu.Unlock()
	}
	return tok, nil
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
