package powerplatform

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

const allFlowScopes = "User Flows.Read.All Flows.Manage.All Activity.Read.All Approvals.Read.All Approvals.Manage.All"

// testClock is a settable clock.
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
	t      testing.TB
	srv    *Server
	key    *rsa.PrivateKey
	clock  *testClock
	client *http.Client
}

var testNow = time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)

// newFixture starts a server on Demo(testNow) unless opts sets a Tenant.
func newFixture(t testing.TB, opts Options) *fixture {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{t: t, key: key, clock: &testClock{t: testNow}}
	opts.Now = fx.clock.Now
	opts.Keyfunc = func(tok *jwt.Token) (any, error) {
		if tok.Header["kid"] != "test-kid" {
			return nil, errors.New("unknown kid")
		}
		return &key.PublicKey, nil
	}
	if opts.Tenant == nil {
		opts.Tenant = Demo(testNow)
	}
	srv, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	fx.srv, fx.client = srv, srv.Client()
	return fx
}

// mint signs claims as Entra would, with defaults for the usual ones.
func (fx *fixture) mint(u demo.User, aud, scp string, edit func(jwt.MapClaims)) string {
	fx.t.Helper()
	now := fx.clock.Now()
	c := jwt.MapClaims{
		"iss": fx.srv.accepted.v1Issuer + u.TenantID + "/", "aud": aud, "tid": u.TenantID, "oid": u.ID,
		"name": u.Name, "appid": demo.ClientID, "iat": now.Add(-time.Minute).Unix(),
		"nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(), "ver": "1.0",
	}
	if scp != "" {
		c["scp"] = scp
	}
	if edit != nil {
		edit(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = "test-kid"
	s, err := tok.SignedString(fx.key)
	if err != nil {
		fx.t.Fatal(err)
	}
	return s
}

func (fx *fixture) flowToken(u demo.User) string {
	return fx.mint(u, DefaultFlowAudience, allFlowScopes, nil)
}

func (fx *fixture) paToken(u demo.User) string {
	return fx.mint(u, DefaultPowerAppsAudience, "User", nil)
}

// do sends a request and returns the response with its body read.
func (fx *fixture) do(method, url, token string, body any) (*http.Response, []byte) {
	fx.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, rd)
	if err != nil {
		fx.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := fx.client.Do(req)
	if err != nil {
		fx.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		fx.t.Fatal(err)
	}
	return resp, b
}

// get expects status want and decodes the JSON body.
func (fx *fixture) get(url, token string, want int) map[string]any {
	fx.t.Helper()
	return fx.expect("GET", url, token, nil, want)
}

func (fx *fixture) expect(method, url, token string, body any, want int) map[string]any {
	fx.t.Helper()
	resp, b := fx.do(method, url, token, body)
	if resp.StatusCode != want {
		fx.t.Fatalf("%s %s: status %d, want %d; body %s", method, url, resp.StatusCode, want, b)
	}
	if len(b) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		fx.t.Fatalf("%s %s: body is not JSON: %v: %s", method, url, err, b)
	}
	return m
}

// wantError checks an {"error":{"code","message"}} body.
func wantError(t testing.TB, m map[string]any, code, msgPart string) {
	t.Helper()
	e, _ := m["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error envelope in %v", m)
	}
	if e["code"] != code {
		t.Errorf("error code %v, want %s (message %v)", e["code"], code, e["message"])
	}
	if msg, _ := e["message"].(string); !strings.Contains(msg, msgPart) {
		t.Errorf("error message %q does not contain %q", msg, msgPart)
	}
}

func values(m map[string]any) []map[string]any {
	vs, _ := m["value"].([]any)
	out := make([]map[string]any, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.(map[string]any))
	}
	return out
}

func props(m map[string]any) map[string]any {
	p, _ := m["properties"].(map[string]any)
	return p
}

const av = "?api-version=2016-11-01"

func (fx *fixture) flowsURL(env string) string {
	return fx.srv.FlowURL() + flowPrefix + "/environments/" + env + "/flows"
}

func adele() demo.User  { return demo.Users()[0] }
func megan() demo.User  { return demo.Users()[1] }
func fabrik() demo.User { return demo.UsersOf(demo.OtherTenantID)[0] }

// firstRun returns the name of the newest run of an Adele flow in the default environment.
func (fx *fixture) firstRun(flow string) string {
	fx.t.Helper()
	runs := values(fx.get(fx.flowsURL(envDefault)+"/"+flow+"/runs"+av+"&$top=1", fx.flowToken(adele()), 200))
	if len(runs) == 0 {
		fx.t.Fatalf("flow %s has no runs", flow)
	}
	return runs[0]["name"].(string)
}

// with returns fx reporting to t (for subtests).
func (fx *fixture) with(t testing.TB) *fixture {
	cp := *fx
	cp.t = t
	return &cp
}
