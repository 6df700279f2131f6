package identity

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/logtest"
)

// countingTransport counts key-set fetches.
type countingTransport struct {
	base http.RoundTripper
	keys atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/keys") {
		c.keys.Add(1)
	}
	return c.base.RoundTrip(r)
}

// vfEnv is a verifier in front of a fake Entra ID, with its logs captured
// and every token the test made remembered, so that cleanup can check that
// none of them (nor anything JWT-shaped) was logged.
type vfEnv struct {
	tb     testing.TB
	entra  *entra.Server
	clock  *testClock
	logs   *logtest.Buffer
	counts *countingTransport
	v      *Verifier

	mu     sync.Mutex
	tokens []string
}

// jwtShaped matches what a JWT or a JWT segment looks like in a log.
var jwtShaped = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}`)

func newVFEnv(tb testing.TB, mod func(*VerifierOptions)) *vfEnv {
	tb.Helper()
	clock := &testClock{t: time.Now().UTC().Truncate(time.Second)}
	es, err := entra.New(entra.Options{Demo: true, Now: clock.Now})
	if err != nil {
		tb.Fatalf("entra.New: %v", err)
	}
	tb.Cleanup(func() { _ = es.Close() })
	e := &vfEnv{tb: tb, entra: es, clock: clock, logs: &logtest.Buffer{}}
	base := es.Client()
	e.counts = &countingTransport{base: base.Transport}
	hc := *base
	hc.Transport = e.counts
	o := VerifierOptions{
		JWKSURL:        es.JWKSURL("common"),
		HTTPClient:     &hc,
		ClientID:       demo.ClientID,
		AppIDURI:       demo.AppIDURI,
		AllowedTenants: []string{demo.TenantID},
		Now:            clock.Now,
		Logger:         slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if mod != nil {
		mod(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	v, err := NewVerifier(ctx, o)
	if err != nil {
		tb.Fatalf("NewVerifier: %v", err)
	}
	tb.Cleanup(v.Close)
	e.v = v
	tb.Cleanup(e.checkLogs)
	return e
}

// remember records a token for the log scan.
func (e *vfEnv) remember(tok string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens = append(e.tokens, tok)
	return tok
}

// checkLogs fails when the logs hold a token or anything JWT-shaped.
func (e *vfEnv) checkLogs() {
	logs := e.logs.String()
	if m := jwtShaped.FindString(logs); m != "" {
		e.tb.Errorf("logs contain a JWT-shaped string %.20q…", m)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, tok := range e.tokens {
		if len(tok) >= 16 && strings.Contains(logs, tok) {
			e.tb.Errorf("logs contain a token")
		}
	}
}

// mint returns an SSO token from the fake for req (user defaults to Adele).
func (e *vfEnv) mint(req entra.SSORequest) string {
	e.tb.Helper()
	if req.TenantID == "" {
		req.TenantID, req.UserID = demo.TenantID, demo.Users()[0].ID
	}
	tok, err := e.entra.MintSSOToken(req)
	if err != nil {
		e.tb.Fatalf("MintSSOToken: %v", err)
	}
	return e.remember(tok)
}

// claimsOf decodes a token's payload without verifying it.
func (e *vfEnv) claimsOf(tok string) jwt.MapClaims {
	e.tb.Helper()
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, c); err != nil {
		e.tb.Fatalf("ParseUnverified: %v", err)
	}
	return c
}

// resign mints a valid token of version ver, lets edit change its claims and
// has the fake sign the result with its current key.
func (e *vfEnv) resign(ver int, edit func(jwt.MapClaims)) string {
	e.tb.Helper()
	c := e.claimsOf(e.mint(entra.SSORequest{Version: ver}))
	edit(c)
	tok, err := e.entra.Sign(c)
	if err != nil {
		e.tb.Fatalf("Sign: %v", err)
	}
	return e.remember(tok)
}

func TestVerifyValid(t *testing.T) {
	e := newVFEnv(t, nil)
	u := demo.Users()[1]
	for _, tc := range []struct {
		name string
		req  entra.SSORequest
		ver  string
	}{
		{"v1", entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 1}, "1.0"},
		{"v2", entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2}, "2.0"},
		{"v1 bot audience", entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 1, Audience: "api://botid-" + demo.ClientID}, "1.0"},
		{"v2 Outlook web", entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2, ClientAppID: demo.OutlookWebClientID}, "2.0"},
		{"v2 more scopes", entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2, Scopes: []string{"User.Read", "access_as_user"}}, "2.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := e.mint(tc.req)
			p, c, err := e.v.Verify(t.Context(), tok)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN}
			if p != want {
				t.Errorf("principal = %+v, want %+v", p, want)
			}
			if c.Version != tc.ver || c.TenantID != u.TenantID || c.ObjectID != u.ID || c.ExpiresAt.IsZero() {
				t.Errorf("claims = %+v", c)
			}
			if p2, err := e.v.Principal(t.Context(), tok); err != nil || p2 != p {
				t.Errorf("Principal = %+v, %v", p2, err)
			}
		})
	}
}

func TestVerifyAnyTenant(t *testing.T) {
	e := newVFEnv(t, func(o *VerifierOptions) { o.AllowedTenants = []string{"*"} })
	u := demo.UsersOf(demo.OtherTenantID)[0]
	p, _, err := e.v.Verify(t.Context(), e.mint(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2}))
	if err != nil || p.TenantID != demo.OtherTenantID {
		t.Fatalf("Verify = %+v, %v", p, err)
	}
}

func TestNewVerifierOptions(t *testing.T) {
	for _, o := range []VerifierOptions{
		{ClientID: demo.ClientID, AllowedTenants: []string{"*"}},
		{JWKSURL: "https://127.0.0.1:1/keys", AllowedTenants: []string{"*"}},
		{JWKSURL: "https://127.0.0.1:1/keys", ClientID: demo.ClientID},
	} {
		if _, err := NewVerifier(t.Context(), o); !errors.Is(err, flowdeck.ErrMisconfigured) {
			t.Errorf("NewVerifier(%+v) = %v, want ErrMisconfigured", o, err)
		}
	}
	if _, err := CloudIssuers("mars"); err == nil {
		t.Error("CloudIssuers(mars) succeeded")
	}
}

// TestKeyRotation: a token signed with a new key is accepted through one
// unknown-kid refresh, and a flood of bogus kids fetches nothing more.
func TestKeyRotation(t *testing.T) {
	e := newVFEnv(t, nil)
	old := e.mint(entra.SSORequest{Version: 2})
	if _, _, err := e.v.Verify(t.Context(), old); err != nil {
		t.Fatalf("Verify before rotation: %v", err)
	}
	start := e.counts.keys.Load()
	if err := e.entra.RotateKeys(); err != nil {
		t.Fatal(err)
	}
	fresh := e.mint(entra.SSORequest{Version: 2})
	if _, _, err := e.v.Verify(t.Context(), fresh); err != nil {
		t.Fatalf("Verify after rotation: %v", err)
	}
	if _, _, err := e.v.Verify(t.Context(), old); err != nil {
		t.Fatalf("old key no longer accepted: %v", err)
	}
	if got := e.counts.keys.Load() - start; got != 1 {
		t.Errorf("rotation cost %d key-set fetches, want 1", got)
	}

	e.flood(t, 200)
	if got := e.counts.keys.Load() - start; got != 1 {
		t.Errorf("after a flood of unknown kids: %d fetches since rotation, want still 1", got)
	}
}

// TestUnknownKIDFlood: on a fresh verifier, a flood of unknown kids makes at
// most one refresh (the limiter's burst) beyond the initial fetch.
func TestUnknownKIDFlood(t *testing.T) {
	e := newVFEnv(t, nil)
	e.flood(t, 300)
	if got := e.counts.keys.Load(); got > 2 {
		t.Errorf("%d key-set fetches, want at most 2 (initial + one rate-limited refresh)", got)
	}
	if _, _, err := e.v.Verify(t.Context(), e.mint(entra.SSORequest{Version: 1})); err != nil {
		t.Errorf("valid token after the flood: %v", err)
	}
}

// flood verifies n tokens with random kids from 8 goroutines; each must fail
// as an unknown key. None waits on the refresh limiter: rate.Limiter.Wait
// refuses at once a wait longer than RefreshWaitMax (1 s against a refresh
// every 5 min), which is a property of x/time/rate, not a clock this test
// should read (it did, and failed under load).
func (e *vfEnv) flood(t *testing.T, n int) {
	t.Helper()
	toks := make([]string, n)
	for i := range toks {
		toks[i] = e.remember(ownSigned(t, jwt.SigningMethodRS256, randomKID(t), e.claimsOf(e.mint(entra.SSORequest{Version: 2}))))
	}
	var wg sync.WaitGroup
	var bad atomic.Int64
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				if _, _, err := e.v.Verify(t.Context(), toks[i]); !errors.Is(err, errUnknownKID) {
					bad.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if bad.Load() > 0 {
		t.Errorf("%d flood tokens not rejected as unknown key", bad.Load())
	}
}
