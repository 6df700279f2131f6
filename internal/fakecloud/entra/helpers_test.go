package entra

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/logtest"
)

// testClock is an injectable clock (Options.Now).
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	srv   *Server
	clock *testClock
	logs  *logtest.Buffer
}

var (
	adele       = demo.Users()[0]
	megan       = demo.Users()[1]
	fabUsr      = demo.UsersOf(demo.OtherTenantID)[0]
	flowDefault = FlowResource + "/.default" // the double-slash form
)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := &testClock{t: time.Now().Truncate(time.Second)}
	logs := &logtest.Buffer{}
	srv, err := New(Options{
		Demo:   true,
		Now:    clock.Now,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return &fixture{srv: srv, clock: clock, logs: logs}
}

func (f *fixture) msal(t *testing.T, tenant string) confidential.Client {
	t.Helper()
	return f.msalWith(t, tenant, demo.ClientID, demo.ClientSecret)
}

func (f *fixture) msalWith(t *testing.T, tenant, clientID, secret string) confidential.Client {
	t.Helper()
	cred, err := confidential.NewCredFromSecret(secret)
	if err != nil {
		t.Fatal(err)
	}
	c, err := confidential.New(f.srv.Authority(tenant), clientID, cred,
		confidential.WithHTTPClient(f.srv.Client()), confidential.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatalf("confidential.New: %v", err)
	}
	return c
}

func (f *fixture) sso(t *testing.T, req SSORequest) string {
	t.Helper()
	tok, err := f.srv.MintSSOToken(req)
	if err != nil {
		t.Fatalf("MintSSOToken: %v", err)
	}
	return tok
}

// post sends a form to the tenant's token endpoint and decodes the JSON answer.
func (f *fixture) post(t *testing.T, tenant string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := f.srv.Client().PostForm(f.srv.TokenURL(tenant), form)
	if err != nil {
		t.Fatalf("POST token: %v", err)
	}
	defer resp.Body.Close()
	return resp.StatusCode, decodeBody(t, resp.Body)
}

func decodeBody(t *testing.T, r io.Reader) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		t.Fatalf("decode JSON body: %v", err)
	}
	return m
}

// oboForm is a raw OBO request of the demo app.
func oboForm(assertion, scope string) url.Values {
	return url.Values{
		"grant_type":          {GrantOBO},
		"requested_token_use": {"on_behalf_of"},
		"client_id":           {demo.ClientID},
		"client_secret":       {demo.ClientSecret},
		"assertion":           {assertion},
		"scope":               {scope + " offline_access openid profile"},
		"client_info":         {"1"},
	}
}

// msalErrBody extracts Entra's error body from an MSAL error.
func msalErrBody(t *testing.T, err error) (int, map[string]any) {
	t.Helper()
	if err == nil {
		t.Fatal("got nil error, want an Entra error")
	}
	var ce msalerrors.CallErr
	if !errors.As(err, &ce) || ce.Resp == nil {
		t.Fatalf("error %v is not an MSAL CallErr with a response", err)
	}
	return ce.Resp.StatusCode, decodeBody(t, ce.Resp.Body)
}

// checkEntraError asserts Entra's error shape and code.
func checkEntraError(t *testing.T, status int, body map[string]any, wantStatus int, wantError string, wantCode int) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("status = %d, want %d (body %v)", status, wantStatus, body)
	}
	if body["error"] != wantError {
		t.Errorf("error = %v, want %q", body["error"], wantError)
	}
	codes, _ := body["error_codes"].([]any)
	if len(codes) != 1 || codes[0] != float64(wantCode) {
		t.Errorf("error_codes = %v, want [%d]", body["error_codes"], wantCode)
	}
	desc, _ := body["error_description"].(string)
	if !strings.HasPrefix(desc, "AADSTS"+strconv.Itoa(wantCode)+": ") || !strings.Contains(desc, "\r\nTrace ID: ") ||
		!strings.Contains(desc, "\r\nCorrelation ID: ") || !strings.Contains(desc, "\r\nTimestamp: ") {
		t.Errorf("error_description = %q, want AADSTS%d with trace lines", desc, wantCode)
	}
	for _, k := range []string{"timestamp", "trace_id", "correlation_id", "error_uri"} {
		if s, _ := body[k].(string); s == "" {
			t.Errorf("%s missing in %v", k, body)
		}
	}
}

// parseClaims verifies a token with the fake's keys and returns its claims.
func (f *fixture) parseClaims(t *testing.T, tok string) jwt.MapClaims {
	t.Helper()
	c := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(tok, c, f.srv.Keyfunc, jwt.WithTimeFunc(f.clock.Now)); err != nil {
		t.Fatalf("parse token: %v", err)
	}
	return c
}

func ctx(t *testing.T) context.Context { return t.Context() }

// noRedirect is an HTTP client of the fake that does not follow redirects.
func (f *fixture) noRedirect() *http.Client {
	c := f.srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}
