package botframework_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/identity"
)

// fakeClock is a Clock whose time moves only when the test says so. Every
// Wait is announced on waits, so a test knows a caller is blocked and for how long.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
	waits   chan time.Duration
}

type waiter struct {
	until time.Time
	ch    chan struct{}
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Now(), waits: make(chan time.Duration, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Wait(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	w := waiter{until: c.now.Add(d), ch: make(chan struct{})}
	if d <= 0 {
		c.mu.Unlock()
		return ctx.Err()
	}
	c.waiters = append(c.waiters, w)
	c.mu.Unlock()
	c.waits <- d
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Advance moves the clock and wakes the waiters that are due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.until.After(c.now) {
			close(w.ch)
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// nextWait returns the duration of the next Wait call.
func (c *fakeClock) nextWait(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-c.waits:
		return d
	case <-t.Context().Done():
		t.Fatal("no wait")
		return 0
	}
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// env is the local cloud one test needs: a CA, fake Entra ID and fake Bot Framework.
type env struct {
	ca    *fakeca.CA
	entra *entra.Server
	bf    *connector.Server
	clock *fakeClock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ca, err := fakeca.New()
	if err != nil {
		t.Fatal(err)
	}
	clk := newFakeClock()
	e, err := entra.New(entra.Options{Demo: true, CA: ca, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	bf, err := connector.New(connector.Options{CA: ca, Keyfunc: e.Keyfunc, Now: clk.Now, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bf.Close() })
	return &env{ca: ca, entra: e, bf: bf, clock: clk}
}

func (v *env) verifier(t testing.TB, o botframework.VerifierOptions) *botframework.ChannelVerifier {
	t.Helper()
	if o.AppID == "" {
		o.AppID = demo.ClientID
	}
	if o.OpenIDMetadataURL == "" {
		o.OpenIDMetadataURL = v.bf.MetadataURL()
	}
	o.HTTPClient = v.ca.Client()
	if o.Now == nil {
		o.Now = v.clock.Now
	}
	cv, err := botframework.NewChannelVerifier(o)
	if err != nil {
		t.Fatal(err)
	}
	return cv
}

func (v *env) tokenSource(t *testing.T) botframework.TokenSource {
	t.Helper()
	cred, err := identity.NewSecretCredential(demo.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := identity.NewAppTokenSource(identity.AppTokenOptions{
		Authority: v.entra.URL(), TenantID: demo.TenantID, ClientID: demo.ClientID, Credential: cred,
		HTTPClient: v.entra.Client(), Scope: identity.BotFrameworkScope, DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func (v *env) client(t *testing.T, o botframework.ClientOptions) *botframework.Client {
	t.Helper()
	if o.TokenSource == nil {
		o.TokenSource = v.tokenSource(t)
	}
	o.HTTPClient = v.ca.Client()
	if o.Clock == nil {
		o.Clock = v.clock
	}
	o.Logger = testLogger(t)
	c, err := botframework.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// recorder is a Handler that records activities and answers with a fixed response.
type recorder struct {
	mu      sync.Mutex
	got     []*schema.Activity
	callers []botframework.Caller
	answer  func(a *schema.Activity) (*botframework.InvokeResponse, error)
}

func (r *recorder) OnActivity(ctx context.Context, a *schema.Activity) (*botframework.InvokeResponse, error) {
	c, _ := botframework.CallerFrom(ctx)
	r.mu.Lock()
	r.got = append(r.got, a)
	r.callers = append(r.callers, c)
	r.mu.Unlock()
	if r.answer != nil {
		return r.answer(a)
	}
	return nil, nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

// botServer runs the endpoint on a loopback httptest server.
func (v *env) botServer(t *testing.T, h botframework.Handler) (*httptest.Server, *connector.Driver) {
	t.Helper()
	ep, err := botframework.NewEndpoint(botframework.EndpointOptions{
		Verifier: v.verifier(t, botframework.VerifierOptions{}), Handler: h, Logger: testLogger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ep)
	t.Cleanup(srv.Close)
	d, err := connector.NewDriver(connector.DriverOptions{Server: v.bf, BotURL: srv.URL + "/api/messages", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	return srv, d
}
