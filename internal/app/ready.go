package app

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// readiness is /readyz: the store answers, and the Entra authority's metadata
// was reachable recently. The authority check is cached (a success for a
// minute, a failure for ten seconds) so that probes never hammer Entra.
type readiness struct {
	store     interface{ Ping(context.Context) error }
	client    *http.Client
	authority string // the home tenant's OpenID metadata URL
	now       func() time.Time

	mu      sync.Mutex
	checked time.Time
	lastErr error
}

func (r *readiness) check(ctx context.Context) error {
	if err := r.store.Ping(ctx); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	ttl := time.Minute
	if r.lastErr != nil {
		ttl = 10 * time.Second
	}
	if r.checked.IsZero() || r.now().Sub(r.checked) >= ttl {
		r.lastErr = CheckOIDC(ctx, r.client, r.authority)
		r.checked = r.now()
	}
	if r.lastErr != nil {
		return flowdeck.Wrap(flowdeck.ErrUnavailable, r.lastErr, "The sign-in authority is not reachable.")
	}
	return nil
}
