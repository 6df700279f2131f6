package powerautomate_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// entraTokens mints, at the fake Entra ID, a token for exactly the audience
// the transport asks for (by registry key), caching it as the broker does.
type entraTokens struct {
	e   *entra.Server
	reg *identity.Registry
	mu  sync.Mutex
	m   map[string]string
}

func (t *entraTokens) Token(_ context.Context, p flowdeck.Principal, key string) (string, error) {
	a, ok := t.reg.Get(key)
	if !ok {
		return "", flowdeck.Errorf(flowdeck.ErrMisconfigured, "unknown audience %s", key)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	ck := p.TenantID + "/" + p.UserID + "/" + key
	if tok, ok := t.m[ck]; ok {
		return tok, nil
	}
	tok, err := t.e.MintAccessToken(p.TenantID, p.UserID, "", a.Resource, a.Scopes...)
	if err == nil {
		t.m[ck] = tok
	}
	return tok, err
}

// recordedSleep is an injected Sleep that records the waits and returns at once.
type recordedSleep struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *recordedSleep) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *recordedSleep) Waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

type fixture struct {
	pp     *powerplatform.Server
	client *powerautomate.Client
	sleep  *recordedSleep
	user   demo.User
	ctx    context.Context
	reg    *identity.Registry
	tokens *entraTokens
}

type fixtureOpts struct {
	tenant   *powerplatform.Tenant
	pageSize int // fake's page size
	swap     bool
	inFlight int
	// contentMax is the content reader's cap (0: the default).
	contentMax int64
	// onRequest sees every request the fake answered.
	onRequest func(powerplatform.LoggedRequest)
}

func newFixture(tb testing.TB, o fixtureOpts) *fixture {
	tb.Helper()
	e, err := entra.New(entra.Options{Demo: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = e.Close() })
	if o.tenant == nil {
		o.tenant = powerplatform.Generate(powerplatform.Spec{Environments: 3, FlowsPerEnvironment: 40, RunsPerFlow: 60, Approvals: 12, Seed: 7, Now: time.Now()})
	}
	pp, err := powerplatform.New(powerplatform.Options{Keyfunc: e.Keyfunc, Tenant: o.tenant, PageSize: o.pageSize, OnRequest: o.onRequest})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(pp.Close)
	ro := identity.RegistryOptions{Cloud: "public", FlowURL: pp.FlowURL(), PowerAppsURL: pp.PowerAppsURL(), BAPURL: pp.BAPURL()}
	if o.swap { // a misconfiguration: Power Apps tokens for the Flow host
		ro.FlowURL, ro.PowerAppsURL = pp.PowerAppsURL(), pp.FlowURL()
	}
	reg, err := identity.NewRegistry(ro)
	if err != nil {
		tb.Fatal(err)
	}
	fx := &fixture{pp: pp, sleep: &recordedSleep{}, user: demo.Users()[0], reg: reg}
	fx.tokens = &entraTokens{e: e, reg: reg, m: map[string]string{}}
	hc := upstream.NewClient(upstream.Options{Tokens: fx.tokens, Audiences: reg, Base: pp.Client().Transport,
		Sleep: fx.sleep.Sleep, PerUserInFlight: o.inFlight, AttemptTimeout: 20 * time.Second})
	base, _ := url.Parse(pp.FlowURL())
	fx.client = powerautomate.New(powerautomate.Options{BaseURL: base, HTTP: hc, Content: powerautomate.ContentOptions{
		Hosts: append(powerautomate.RunContentHosts("public"), pp.ContentHost()), Transport: pp.Client().Transport.(*http.Transport),
		TokenHosts: reg, MaxBytes: o.contentMax}})
	fx.ctx = flowdeck.WithPrincipal(context.Background(), flowdeck.Principal{TenantID: fx.user.TenantID, UserID: fx.user.ID})
	return fx
}

// as returns a context running as u.
func as(u demo.User) context.Context {
	return flowdeck.WithPrincipal(context.Background(), flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID})
}
