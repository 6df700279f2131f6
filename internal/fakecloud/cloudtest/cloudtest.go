// Package cloudtest boots the whole local cloud for a test — the fake Entra
// ID, Power Platform and Graph behind one CA — and hands out what code under
// test needs from it: the audience registry, an upstream HTTP client whose
// tokens the fake Entra ID mints for exactly the audience asked, the real
// clients, and contexts signed in as demo users.
package cloudtest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	fakegraph "github.com/flowdeck/flowdeck/internal/fakecloud/graph"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/graph"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/powerapps"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// Options shape the cloud. The zero value is the demo tenant.
type Options struct {
	// Tenant is the Power Platform state; nil is powerplatform.Demo(now).
	Tenant *powerplatform.Tenant
	// PageSize is the fake's page size (0: its default).
	PageSize int
	// Now is the fakes' clock (default time.Now).
	Now func() time.Time
	// Cloud is the Microsoft cloud the fakes play and the registry uses
	// (default public).
	Cloud string
	// PerUserInFlight bounds one user's upstream calls in flight, and the
	// Overview's concurrency with it (0: the defaults, 4 and 8).
	PerUserInFlight int
}

// Cloud is a running local cloud with real clients pointed at it.
type Cloud struct {
	CA       *fakeca.CA
	Entra    *entra.Server
	PP       *powerplatform.Server
	Graph    *fakegraph.Server
	Registry *identity.Registry
	// Tokens mints tokens at the fake Entra ID; Scopes overrides what it grants.
	Tokens *Tokens
	// HTTP is the upstream client every FlowDeck client here uses.
	HTTP *http.Client
	// Flows, Overview, Apps and GraphClient are the real clients on the fakes.
	Flows       *powerautomate.Client
	Overview    *powerautomate.Overview
	Apps        *powerapps.Client
	GraphClient *graph.Client
}

// New starts the cloud; everything stops when the test ends.
func New(tb testing.TB, o Options) *Cloud {
	tb.Helper()
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Cloud == "" {
		o.Cloud = "public"
	}
	c := &Cloud{}
	var err error
	if c.CA, err = fakeca.New(); err != nil {
		tb.Fatal(err)
	}
	if c.Entra, err = entra.New(entra.Options{CA: c.CA, Demo: true, Now: o.Now, Cloud: o.Cloud}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Entra.Close() })
	if o.Tenant == nil {
		o.Tenant = powerplatform.Demo(o.Now())
	}
	if c.PP, err = powerplatform.New(powerplatform.Options{CA: c.CA, Keyfunc: c.Entra.Keyfunc, Tenant: o.Tenant, PageSize: o.PageSize, Now: o.Now, Cloud: o.Cloud}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.PP.Close)
	if c.Graph, err = fakegraph.New(fakegraph.Options{CA: c.CA, Keyfunc: c.Entra.Keyfunc, Now: o.Now, Cloud: o.Cloud}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Graph.Close() })
	if c.Registry, err = identity.NewRegistry(identity.RegistryOptions{Cloud: o.Cloud,
		FlowURL: c.PP.FlowURL(), PowerAppsURL: c.PP.PowerAppsURL(), BAPURL: c.PP.BAPURL(), GraphURL: c.Graph.URL()}); err != nil {
		tb.Fatal(err)
	}
	c.Tokens = &Tokens{entra: c.Entra, registry: c.Registry, now: o.Now}
	c.HTTP = upstream.NewClient(upstream.Options{Tokens: c.Tokens, Audiences: c.Registry, Base: c.CA.Client().Transport, PerUserInFlight: o.PerUserInFlight})
	hc := c.HTTP
	c.Flows = powerautomate.New(powerautomate.Options{BaseURL: mustURL(c.PP.FlowURL()), HTTP: hc, Content: powerautomate.ContentOptions{
		Hosts: append(powerautomate.RunContentHosts("public"), c.PP.ContentHost()), Transport: c.CA.Client().Transport.(*http.Transport),
		TokenHosts: c.Registry}})
	c.Overview = powerautomate.NewOverview(c.Flows, powerautomate.OverviewOptions{Now: o.Now, Concurrency: o.PerUserInFlight})
	c.Apps = powerapps.New(powerapps.Options{BaseURL: mustURL(c.PP.PowerAppsURL()), BAPURL: mustURL(c.PP.BAPURL()), HTTP: hc})
	c.GraphClient = graph.New(graph.Options{BaseURL: mustURL(c.Graph.URL()), HTTP: hc})
	return c
}

// As returns a context signed in as u.
func As(u demo.User) context.Context {
	return flowdeck.WithPrincipal(context.Background(), flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN})
}

// Adele is the first demo user, who owns the demo tenant's pending approvals.
func Adele() demo.User { return demo.Users()[0] }

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// Tokens is an upstream.TokenSource that mints, at the fake Entra ID, a token
// for exactly the audience the transport asks for, with the audience's
// scopes (or the test's), and reuses it for tokenReuse of the cloud's clock,
// as the broker reuses its cached tokens (minting signs with RSA: per call,
// it was most of a big benchmark's CPU).
type Tokens struct {
	entra    *entra.Server
	registry *identity.Registry
	now      func() time.Time
	mu       sync.Mutex
	scopes   map[string][]string
	minted   map[string]mintedToken
}

// tokenReuse is how long a minted token is handed out again: well within
// the fake Entra ID's token lifetime.
const tokenReuse = 10 * time.Minute

type mintedToken struct {
	token string
	at    time.Time
}

// Token implements upstream.TokenSource.
func (t *Tokens) Token(_ context.Context, p flowdeck.Principal, audience string) (string, error) {
	a, ok := t.registry.Get(audience)
	if !ok {
		return "", flowdeck.Errorf(flowdeck.ErrMisconfigured, "unknown audience %q", audience)
	}
	t.mu.Lock()
	scopes, set := t.scopes[audience]
	key := p.TenantID + "/" + p.UserID + "/" + audience
	m, ok := t.minted[key]
	t.mu.Unlock()
	if !set {
		scopes = a.Scopes
	}
	now := t.now()
	if ok && !now.Before(m.at) && now.Sub(m.at) < tokenReuse {
		return m.token, nil
	}
	tok, err := t.entra.MintAccessToken(p.TenantID, p.UserID, demo.ClientID, a.Resource, scopes...)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.minted == nil {
		t.minted = map[string]mintedToken{}
	}
	t.minted[key] = mintedToken{token: tok, at: now}
	return tok, nil
}

// SetScopes makes later tokens for audience carry only these scopes.
func (t *Tokens) SetScopes(audience string, scopes ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.scopes == nil {
		t.scopes = map[string][]string{}
	}
	t.scopes[audience] = scopes
	for k := range t.minted { // the next token carries the new scopes
		if strings.HasSuffix(k, "/"+audience) {
			delete(t.minted, k)
		}
	}
}
