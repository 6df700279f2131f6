package identity

import (
	"context"
	"sync"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// maxTenantAppSources bounds TenantAppTokens: beyond it an arbitrary source
// is dropped (its cached token with it) to make room.
const maxTenantAppSources = 256

// TenantAppTokens hands out app-only tokens for one scope in any tenant,
// keeping one AppTokenSource per tenant (created on first use, at most
// maxTenantAppSources). It is safe for concurrent use. FlowDeck uses it for
// Graph calls that must not be made as the user, e.g. activity-feed
// notifications, which Teams does not deliver when sender and recipient are
// the same user.
type TenantAppTokens struct {
	opts    AppTokenOptions
	mu      sync.Mutex
	sources map[string]*AppTokenSource
}

// NewTenantAppTokens returns per-tenant app-only token sources built from o
// (o.TenantID is ignored; o.Scope is required). Problems with the options
// are flowdeck.ErrMisconfigured, reported here rather than at first use.
func NewTenantAppTokens(o AppTokenOptions) (*TenantAppTokens, error) {
	if o.Scope == "" {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: per-tenant app-only tokens need a scope")
	}
	probe := o
	probe.TenantID = "common"
	if _, err := NewAppTokenSource(probe); err != nil {
		return nil, err
	}
	return &TenantAppTokens{opts: o, sources: map[string]*AppTokenSource{}}, nil
}

// Token returns the app-only token for tenantID (MSAL caches and renews it).
func (t *TenantAppTokens) Token(ctx context.Context, tenantID string) (string, error) {
	src, err := t.source(tenantID)
	if err != nil {
		return "", err
	}
	return src.Token(ctx)
}

func (t *TenantAppTokens) source(tenantID string) (*AppTokenSource, error) {
	if tenantID == "" {
		return nil, flowdeck.Errorf(flowdeck.ErrInvalid, "identity: an app-only token needs the tenant id")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.sources[tenantID]; ok {
		return s, nil
	}
	o := t.opts
	o.TenantID = tenantID
	s, err := NewAppTokenSource(o)
	if err != nil {
		return nil, err
	}
	if len(t.sources) >= maxTenantAppSources {
		for k := range t.sources {
			delete(t.sources, k)
			break
		}
	}
	t.sources[tenantID] = s
	return s, nil
}

// Len returns how many tenants have a source.
func (t *TenantAppTokens) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.sources)
}
