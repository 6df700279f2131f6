package upstream_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// keyTokens hands out "tok-<audience key>", for the transport mechanics.
type keyTokens struct{}

func (keyTokens) Token(_ context.Context, _ flowdeck.Principal, key string) (string, error) {
	return "tok-" + key, nil
}

type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) get() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// setup registers flow (and graph, when given) as known hosts and returns a client.
func setup(t *testing.T, flow, graph *httptest.Server, o upstream.Options) (*http.Client, *waits) {
	t.Helper()
	ro := identity.RegistryOptions{Cloud: "public", FlowURL: flow.URL}
	if graph != nil {
		ro.GraphURL = graph.URL
	}
	reg, err := identity.NewRegistry(ro)
	if err != nil {
		t.Fatal(err)
	}
	w := &waits{}
	o.Tokens, o.Audiences, o.Sleep = keyTokens{}, reg, w.sleep
	o.Rand = func() float64 { return 0.5 }
	return upstream.NewClient(o), w
}

func userCtx(id string) context.Context {
	ctx := flowdeck.WithPrincipal(context.Background(), flowdeck.Principal{TenantID: "t1", UserID: id})
	return flowdeck.WithRequestID(ctx, "req-"+id)
}

func get(t *testing.T, c *http.Client, ctx context.Context, method, u string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err == nil {
		t.Cleanup(func() { _ = resp.Body.Close() })
	}
	return resp, err
}

func TestRetryAfterThenOK(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
			return
		}
		if r.Header.Get("Authorization") != "Bearer tok-flow" || r.Header.Get("x-ms-client-request-id") != "req-u1" ||
			r.Header.Get("Accept") != "application/json" || r.Header.Get("User-Agent") != upstream.UserAgent {
			w.WriteHeader(400)
			return
		}
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	c, w := setup(t, srv, nil, upstream.Options{})
	resp, err := get(t, c, userCtx("u1"), "GET", srv.URL+"/x")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("resp %v, err %v", resp, err)
	}
	if got := w.get(); len(got) != 1 || got[0] != 7*time.Second || calls.Load() != 2 {
		t.Fatalf("waits %v, calls %d", got, calls.Load())
	}
}

func TestRetryBackoffOn503ThenGiveUp(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	c, w := setup(t, srv, nil, upstream.Options{MaxRetries: 3, BackoffBase: 100 * time.Millisecond})
	resp, err := get(t, c, userCtx("u1"), "GET", srv.URL+"/x")
	if err != nil {
		t.Fatal(err)
	}
	if err := upstream.CheckResponse(resp); !errors.Is(err, flowdeck.ErrUnavailable) || errors.Is(err, upstream.ErrUnclearOutcome) {
		t.Fatalf("err = %v", err)
	}
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond}
	if got := w.get(); calls.Load() != 4 || len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("calls %d, waits %v, want %v", calls.Load(), got, want)
	}
}

func TestPostIsNeverRepeated(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(503)
	}))
	defer srv.Close()
	c, w := setup(t, srv, nil, upstream.Options{})
	resp, err := get(t, c, userCtx("u1"), "POST", srv.URL+"/cancel")
	if err != nil {
		t.Fatal(err)
	}
	err = upstream.CheckResponse(resp)
	if !errors.Is(err, upstream.ErrUnclearOutcome) || !errors.Is(err, flowdeck.ErrUnavailable) || calls.Load() != 1 || len(w.get()) != 0 {
		t.Fatalf("err %v, calls %d, waits %v", err, calls.Load(), w.get())
	}
}

func TestAttemptTimeout(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, _ := setup(t, srv, nil, upstream.Options{AttemptTimeout: 50 * time.Millisecond, MaxRetries: 1})
	_, err := get(t, c, userCtx("u1"), "GET", srv.URL+"/x")
	if !errors.Is(err, flowdeck.ErrUnavailable) || calls.Load() != 2 {
		t.Fatalf("GET: err %v, calls %d", err, calls.Load())
	}
	calls.Store(0)
	_, err = get(t, c, userCtx("u1"), "POST", srv.URL+"/x")
	if !errors.Is(err, upstream.ErrUnclearOutcome) || calls.Load() != 1 {
		t.Fatalf("POST: err %v, calls %d", err, calls.Load())
	}
}

func TestPerUserInFlightLimit(t *testing.T) {
	var cur, peak atomic.Int32
	full := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/other" {
			return
		}
		n := cur.Add(1)
		defer cur.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if n == 4 {
			once.Do(func() { close(full) })
		}
		<-release
	}))
	defer srv.Close()
	c, _ := setup(t, srv, nil, upstream.Options{PerUserInFlight: 4})
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(userCtx("busy"), "GET", srv.URL+"/slow", nil)
			if resp, err := c.Do(req); err == nil {
				_ = resp.Body.Close()
			}
		})
	}
	<-full
	// Another user is not held up by the busy one.
	if resp, err := get(t, c, userCtx("other"), "GET", srv.URL+"/other"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("other user: %v", err)
	}
	close(release)
	wg.Wait()
	if peak.Load() != 4 {
		t.Fatalf("peak in flight = %d, want 4", peak.Load())
	}
}

func TestNoTokenForUnknownHostOrWithoutPrincipal(t *testing.T) {
	var seen atomic.Int32
	known := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer known.Close()
	stranger := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Error("token sent to an unknown host")
		}
	}))
	defer stranger.Close()
	c, _ := setup(t, known, nil, upstream.Options{})
	if _, err := get(t, c, userCtx("u1"), "GET", stranger.URL+"/x"); !errors.Is(err, flowdeck.ErrMisconfigured) {
		t.Fatalf("unknown host: %v", err)
	}
	if _, err := get(t, c, context.Background(), "GET", known.URL+"/x"); !errors.Is(err, flowdeck.ErrUnauthenticated) {
		t.Fatalf("no principal: %v", err)
	}
	if seen.Load() != 0 {
		t.Fatal("request reached the unknown host")
	}
}

func TestRedirectToAnotherHostDropsToken(t *testing.T) {
	var auth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth.Store("[" + r.Header.Get("Authorization") + "]")
	}))
	defer other.Close()
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-flow" {
			w.WriteHeader(401)
			return
		}
		http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
	}))
	defer origin.Close()
	c, _ := setup(t, origin, other, upstream.Options{})
	resp, err := get(t, c, userCtx("u1"), "GET", origin.URL+"/start")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("resp %v, err %v", resp, err)
	}
	if got := auth.Load(); got != "[]" {
		t.Fatalf("redirect target got Authorization %v", got)
	}
}

func TestNextURL(t *testing.T) {
	base, _ := url.Parse("https://api.flow.microsoft.com")
	for next, want := range map[string]string{
		"https://emea.api.flow.microsoft.com:11777/providers/x?api-version=1&%24skiptoken=abc": "https://api.flow.microsoft.com/providers/x?api-version=1&%24skiptoken=abc",
		"/providers/y?a=b":                        "https://api.flow.microsoft.com/providers/y?a=b",
		"http://user:pw@evil.example/providers/z": "https://api.flow.microsoft.com/providers/z",
	} {
		u, err := upstream.NextURL(base, next)
		if err != nil || u.String() != want {
			t.Errorf("NextURL(%q) = %v, %v; want %s", next, u, err, want)
		}
	}
	if _, err := upstream.NextURL(base, "javascript:alert(1)"); !errors.Is(err, flowdeck.ErrUnavailable) {
		t.Errorf("bad scheme: %v", err)
	}
}
