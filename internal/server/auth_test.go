package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/identity"
)

// authSeen is what the test handler behind the SSO middleware saw.
type authSeen struct {
	mu        sync.Mutex
	principal flowdeck.Principal
	assertion string
	calls     int
}

// newEntraVerifier starts a fake Entra ID and the real SSO verifier of its
// tokens (tenant demo.TenantID allowed); both stop when t ends.
func newEntraVerifier(t *testing.T) (*entra.Server, *identity.Verifier) {
	t.Helper()
	es, err := entra.New(entra.Options{Demo: true})
	if err != nil {
		t.Fatalf("entra.New: %v", err)
	}
	t.Cleanup(func() { _ = es.Close() })
	v, err := identity.NewVerifier(t.Context(), identity.VerifierOptions{
		JWKSURL: es.JWKSURL("common"), HTTPClient: es.Client(),
		ClientID: demo.ClientID, AppIDURI: demo.AppIDURI, AllowedTenants: []string{demo.TenantID},
	})
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	t.Cleanup(v.Close)
	return es, v
}

// newAuthServer serves a Server whose /api group verifies tokens of a fake
// Entra ID (tenant demo.TenantID allowed), with GET /api/whoami recording
// what the handler saw. verify=false leaves Options.Verifier nil.
func newAuthServer(t *testing.T, verify bool) (*testServer, *entra.Server, *authSeen) {
	t.Helper()
	es, v := newEntraVerifier(t)
	var opts Options
	if verify {
		opts.Verifier = v
	}
	ts := newTestServer(t, opts, nil)
	seen := &authSeen{}
	ts.api.GET("/whoami", func(c echo.Context) error {
		p, _ := flowdeck.PrincipalFrom(c.Request().Context())
		a, _ := flowdeck.AssertionFrom(c.Request().Context())
		seen.mu.Lock()
		seen.principal, seen.assertion = p, a.Token()
		seen.calls++
		seen.mu.Unlock()
		return c.JSON(http.StatusOK, p)
	})
	return ts, es, seen
}

func mintSSO(t *testing.T, es *entra.Server, req entra.SSORequest) string {
	t.Helper()
	if req.TenantID == "" {
		req.TenantID, req.UserID = demo.TenantID, demo.Users()[0].ID
	}
	tok, err := es.MintSSOToken(req)
	if err != nil {
		t.Fatalf("MintSSOToken: %v", err)
	}
	return tok
}

func TestAuthValid(t *testing.T) {
	ts, es, seen := newAuthServer(t, true)
	u := demo.Users()[0]
	for _, tc := range []struct {
		name, scheme string
		ver          int
	}{{"v2", "Bearer", 2}, {"v1, lower-case scheme", "bearer", 1}} {
		t.Run(tc.name, func(t *testing.T) {
			tok := mintSSO(t, es, entra.SSORequest{Version: tc.ver})
			resp, body := get(t, ts.URL+"/api/whoami", http.Header{"Authorization": {tc.scheme + " " + tok}})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, body %s", resp.StatusCode, body)
			}
			var p flowdeck.Principal
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			want := flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN}
			seen.mu.Lock()
			defer seen.mu.Unlock()
			if p != want || seen.principal != want {
				t.Errorf("principal: body %+v, handler %+v, want %+v", p, seen.principal, want)
			}
			if seen.assertion != tok {
				t.Error("handler did not get the raw assertion")
			}
		})
	}
	checkNoTokens(t, ts.log.String(), "log")
}

// jwtLike matches a JWT or JWT segment.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}`)

func checkNoTokens(t *testing.T, s, where string, toks ...string) {
	t.Helper()
	if jwtLike.MatchString(s) {
		t.Errorf("%s holds a JWT-shaped string", where)
	}
	for _, tok := range toks {
		if tok != "" && strings.Contains(s, tok) {
			t.Errorf("%s holds the token", where)
		}
	}
}

func TestAuthRejected(t *testing.T) {
	ts, es, seen := newAuthServer(t, true)
	valid := mintSSO(t, es, entra.SSORequest{Version: 2})
	parts := strings.Split(valid, ".")
	tampered := parts[0] + "." + parts[1][:10] + flip(parts[1][10]) + parts[1][11:] + "." + parts[2]
	expired := mintSSO(t, es, entra.SSORequest{Version: 2, IssuedAt: time.Now().Add(-3 * time.Hour), Lifetime: time.Hour})
	other := demo.UsersOf(demo.OtherTenantID)[0]
	foreign := mintSSO(t, es, entra.SSORequest{TenantID: other.TenantID, UserID: other.ID, Version: 2})
	for _, tc := range []struct {
		name   string
		header []string
		status int
		code   string
	}{
		{"missing header", nil, 401, "unauthenticated"},
		{"wrong scheme", []string{"Basic " + valid}, 401, "unauthenticated"},
		{"no scheme", []string{valid}, 401, "unauthenticated"},
		{"empty bearer", []string{"Bearer "}, 401, "unauthenticated"},
		{"two headers", []string{"Bearer " + valid, "Bearer " + valid}, 401, "unauthenticated"},
		{"tampered payload", []string{"Bearer " + tampered}, 401, "unauthenticated"},
		{"expired", []string{"Bearer " + expired}, 401, "unauthenticated"},
		{"garbage", []string{"Bearer not-a-token"}, 401, "unauthenticated"},
		{"foreign tenant", []string{"Bearer " + foreign}, 403, "forbidden"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tc.header {
				h.Add("Authorization", v)
			}
			resp, body := get(t, ts.URL+"/api/whoami", h)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.status, body)
			}
			e := decodeError(t, resp, body)
			if e.Code != tc.code || e.Message == "" {
				t.Errorf("body %+v, want code %q", e, tc.code)
			}
			if wa := resp.Header.Get("WWW-Authenticate"); tc.status == 401 && !strings.HasPrefix(wa, "Bearer") {
				t.Errorf("WWW-Authenticate = %q", wa)
			}
			checkNoTokens(t, string(body), "body", valid, tampered, expired, foreign)
		})
	}
	seen.mu.Lock()
	if seen.calls != 0 {
		t.Errorf("handler ran %d times for rejected requests", seen.calls)
	}
	seen.mu.Unlock()
	checkNoTokens(t, ts.log.String(), "log", valid, tampered, expired, foreign)
}

// flip changes one base64url character.
func flip(b byte) string {
	if b == 'A' {
		return "B"
	}
	return "A"
}

func TestAuthNoVerifier(t *testing.T) {
	ts, es, _ := newAuthServer(t, false)
	tok := mintSSO(t, es, entra.SSORequest{Version: 2})
	resp, body := get(t, ts.URL+"/api/whoami", http.Header{"Authorization": {"Bearer " + tok}})
	if resp.StatusCode != http.StatusInternalServerError || decodeError(t, resp, body).Code != "misconfigured" {
		t.Fatalf("status %d, body %s; want 500 misconfigured", resp.StatusCode, body)
	}
	checkNoTokens(t, ts.log.String(), "log", tok)
}
