package server

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// okRoutes adds GET /test/ok, answering 204.
func okRoutes(e *echo.Echo) {
	e.GET("/test/ok", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
}

// from is a header naming the client address behind a trusted proxy.
func from(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }

// want429 checks a rate-limit answer: 429, Retry-After, the JSON body.
func want429(t *testing.T, resp *http.Response, body []byte, secs int) {
	t.Helper()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status = %d, want 429; body %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("Retry-After"); got != strconv.Itoa(secs) {
		t.Errorf("Retry-After = %q, want %d", got, secs)
	}
	e := decodeError(t, resp, body)
	unit := " seconds"
	if secs == 1 {
		unit = " second"
	}
	want := "You're making requests faster than FlowDeck allows. Wait " + strconv.Itoa(secs) + unit + " and try again."
	if e.Code != "throttled" || e.Message != want {
		t.Errorf("body = %+v, want code throttled and message %q", e, want)
	}
}

// wantMetric checks a line of /metrics.
func wantMetric(t *testing.T, url, line string) {
	t.Helper()
	if _, body := get(t, url+"/metrics", nil); !strings.Contains(string(body), line+"\n") {
		t.Errorf("/metrics lacks %q", line)
	}
}

func TestRateLimitIP(t *testing.T) {
	clk := newFakeClock()
	ts := newTestServer(t, Options{
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
		RateLimitIP:    RateLimit{Rate: 0.5, Burst: 3},
		Now:            clk.Now,
		Registry:       prometheus.NewRegistry(),
	}, okRoutes)

	for i := range 3 {
		if resp, body := get(t, ts.URL+"/test/ok", from("203.0.113.7")); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("request %d: status = %d, want 204; body %s", i+1, resp.StatusCode, body)
		}
	}
	resp, body := get(t, ts.URL+"/test/ok", from("203.0.113.7"))
	want429(t, resp, body, 2) // one token every 2 s
	if resp, _ := get(t, ts.URL+"/test/ok", from("203.0.113.8")); resp.StatusCode != http.StatusNoContent {
		t.Errorf("another address: status = %d, want 204", resp.StatusCode)
	}
	if resp, _ := get(t, ts.URL+"/test/ok", from("2001:db8:1:2::1")); resp.StatusCode != http.StatusNoContent {
		t.Errorf("an IPv6 address: status = %d, want 204", resp.StatusCode)
	}

	clk.Advance(time.Second)
	resp, body = get(t, ts.URL+"/test/ok", from("203.0.113.7"))
	want429(t, resp, body, 1) // half a token back; a refusal spends nothing
	clk.Advance(time.Second)
	if resp, _ := get(t, ts.URL+"/test/ok", from("203.0.113.7")); resp.StatusCode != http.StatusNoContent {
		t.Errorf("after 2 s: status = %d, want 204", resp.StatusCode)
	}
	wantMetric(t, ts.URL, `flowdeck_rate_limited_total{scope="ip"} 2`)
	wantMetric(t, ts.URL, `flowdeck_rate_limited_total{scope="user"} 0`)
	for _, r := range ts.log.records(t) {
		if r["msg"] != "http request" && strings.Contains(fmt.Sprint(r), "203.0.113.7") {
			t.Errorf("log record %v holds the client address (only the access log may)", r)
		}
	}
}

func TestRateLimitIPExemptRoutes(t *testing.T) {
	clk := newFakeClock()
	bot := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	ts := newTestServer(t, Options{RateLimitIP: RateLimit{Rate: 1, Burst: 1}, Now: clk.Now, Bot: bot}, okRoutes)
	get(t, ts.URL+"/test/ok", nil)
	for _, path := range []string{"/test/ok", "/", "/api/unknown", "/auth/start"} {
		if resp, _ := get(t, ts.URL+path, nil); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("GET %s: status = %d, want 429 (it is limited)", path, resp.StatusCode)
		}
	}
	for range 5 {
		for _, r := range []struct{ method, path string }{
			{http.MethodPost, "/api/messages"}, {http.MethodGet, "/healthz"}, {http.MethodGet, "/readyz"}, {http.MethodGet, "/metrics"},
		} {
			if resp, _ := do(t, r.method, ts.URL+r.path, nil, nil); resp.StatusCode != http.StatusOK {
				t.Errorf("%s %s: status = %d, want 200 (exempt)", r.method, r.path, resp.StatusCode)
			}
		}
	}
}

// countingVerifier rejects every token and counts how often it was asked.
type countingVerifier struct{ calls atomic.Int32 }

func (v *countingVerifier) Principal(context.Context, string) (flowdeck.Principal, error) {
	v.calls.Add(1)
	return flowdeck.Principal{}, flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in again.")
}

func TestRateLimitIPStopsForgedTokensBeforeVerification(t *testing.T) {
	clk := newFakeClock()
	v := &countingVerifier{}
	ts := newTestServer(t, Options{
		Verifier:      v,
		RateLimitIP:   RateLimit{Rate: 1, Burst: 5},
		RateLimitUser: RateLimit{Rate: 1, Burst: 1},
		Now:           clk.Now,
	}, nil)
	ts.api.GET("/whoami", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	forged := http.Header{"Authorization": {"Bearer eyJhbGciOiJSUzI1NiJ9.forged.sig"}}
	statuses := map[int]int{}
	for range 50 {
		resp, _ := get(t, ts.URL+"/api/whoami", forged)
		statuses[resp.StatusCode]++
	}
	if statuses[http.StatusUnauthorized] != 5 || statuses[http.StatusTooManyRequests] != 45 {
		t.Errorf("statuses = %v, want 5 × 401 then 45 × 429", statuses)
	}
	if n := v.calls.Load(); n != 5 {
		t.Errorf("the verifier ran %d times, want 5: the flood must stop before verification", n)
	}
}

// newUserLimitServer serves a Server with the real SSO verifier against a
// fake Entra ID, a per-user limit of 1 request a second (burst 2) and no
// per-address limit, with GET /api/whoami behind authentication.
func newUserLimitServer(t *testing.T, clk *fakeClock) (*testServer, *entra.Server) {
	t.Helper()
	es, v := newEntraVerifier(t)
	ts := newTestServer(t, Options{Verifier: v, RateLimitUser: RateLimit{Rate: 1, Burst: 2}, Now: clk.Now}, nil)
	ts.api.GET("/whoami", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	return ts, es
}

func TestRateLimitUser(t *testing.T) {
	clk := newFakeClock()
	ts, es := newUserLimitServer(t, clk)
	adele, megan := demo.Users()[0], demo.Users()[1]
	bearer := func(u demo.User) http.Header {
		return http.Header{"Authorization": {"Bearer " + mintSSO(t, es, entra.SSORequest{TenantID: u.TenantID, UserID: u.ID})}}
	}
	call := func(h http.Header) (*http.Response, []byte) { return get(t, ts.URL+"/api/whoami", h) }

	// Requests without a valid token, some claiming to be Adele, spend nothing of hers.
	wrongAud := mintSSO(t, es, entra.SSORequest{TenantID: adele.TenantID, UserID: adele.ID, Audience: "api://elsewhere"})
	for _, h := range []http.Header{nil, {"Authorization": {"Bearer " + wrongAud}}, {"Authorization": {"Bearer nope"}}} {
		for range 3 {
			if resp, _ := call(h); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("without a valid token: status = %d, want 401", resp.StatusCode)
			}
		}
	}

	a, m := bearer(adele), bearer(megan) // the same address, two users
	for i := range 2 {
		if resp, _ := call(a); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("Adele's request %d: status = %d, want 204", i+1, resp.StatusCode)
		}
	}
	resp, body := call(a)
	want429(t, resp, body, 1)
	for i := range 2 {
		if resp, _ := call(m); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("Megan's request %d (her own budget): status = %d, want 204", i+1, resp.StatusCode)
		}
	}

	clk.Advance(time.Second) // one token back
	if resp, _ := call(a); resp.StatusCode != http.StatusNoContent {
		t.Errorf("Adele after 1 s: status = %d, want 204", resp.StatusCode)
	}
	resp, body = call(a)
	want429(t, resp, body, 1)
	wantMetric(t, ts.URL, `flowdeck_rate_limited_total{scope="user"} 2`)

	logs := ts.log.String()
	for _, secret := range []string{adele.ID, megan.ID, a.Get("Authorization")[7:]} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds a user id or token: %.20s…", secret)
		}
	}
}

func TestRateLimitOff(t *testing.T) {
	ts := newTestServer(t, Options{Now: newFakeClock().Now}, okRoutes)
	for range 100 {
		if resp, _ := get(t, ts.URL+"/test/ok", nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("with the limits off: status = %d, want 204", resp.StatusCode)
		}
	}
	if ts.limits.ip != nil || ts.limits.user != nil {
		t.Error("zero RateLimits built limiters, want none")
	}
}

func TestRateLimitOptionsChecked(t *testing.T) {
	for _, o := range []Options{{RateLimitUser: RateLimit{Rate: -1, Burst: 1}}, {RateLimitIP: RateLimit{Rate: 1}}} {
		if _, err := New(o); err == nil {
			t.Errorf("New with user limit %+v and IP limit %+v succeeded, want an error", o.RateLimitUser, o.RateLimitIP)
		}
	}
}

func TestLimiterSetBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ls := newLimiterSet(RateLimit{Rate: 1, Burst: 2}, maxLimiters, time.Now)
		for i := range 2 * maxLimiters {
			if _, ok := ls.take("k" + strconv.Itoa(i)); !ok {
				t.Fatalf("a new key %d was refused", i)
			}
			if i%997 == 0 && ls.held() > maxLimiters {
				t.Fatalf("after %d keys: %d buckets held, want at most %d", i+1, ls.held(), maxLimiters)
			}
		}
		if n := ls.held(); n != maxLimiters {
			t.Fatalf("%d buckets held after %d keys, want %d", n, 2*maxLimiters, maxLimiters)
		}
		last := "k" + strconv.Itoa(2*maxLimiters-1)
		ls.take(last)
		if _, ok := ls.take(last); ok {
			t.Error("the most recent key lost its bucket: its third request passed")
		}

		time.Sleep(2 * time.Second) // virtual time: every bucket is full again: all of them can go
		ls.take("fresh")
		if n := ls.held(); n != 1 {
			t.Errorf("%d buckets held after they all went idle, want 1", n)
		}
	})
}

func TestLimiterSetConcurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ls := newLimiterSet(RateLimit{Rate: 1, Burst: 100}, 1000, time.Now) // room for every key: none is evicted
		var passed atomic.Int32
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Go(func() {
				for i := range 100 {
					if _, ok := ls.take("shared"); ok {
						passed.Add(1)
					}
					ls.take(strconv.Itoa(g*100 + i)) // other keys meanwhile
				}
			})
		}
		wg.Wait()
		if n := passed.Load(); n != 100 {
			t.Errorf("%d of 800 concurrent requests passed, want the burst of 100", n)
		}
	})
}

func TestAddressKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":          "203.0.113.7",
		"::ffff:203.0.113.7":   "203.0.113.7",
		"2001:db8:1:2::1":      "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::9": "2001:db8:1:2::/64",
		"not an address":       "not an address",
	} {
		if got := addressKey(in); got != want {
			t.Errorf("addressKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRetryAfterSeconds(t *testing.T) {
	for wait, want := range map[time.Duration]int64{time.Nanosecond: 1, time.Second: 1, 1001 * time.Millisecond: 2, 59500 * time.Millisecond: 60} {
		if got := retryAfterSeconds(wait); got != want {
			t.Errorf("retryAfterSeconds(%s) = %d, want %d", wait, got, want)
		}
	}
}
