package identity

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/logtest"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// testClock is an injectable clock shared by the fake, the store and the broker.
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

var (
	adele = demo.Users()[0]
	megan = demo.Users()[1]
)

func principal(u demo.User) flowdeck.Principal {
	return flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN}
}

// fixture is the fake Entra ID over TLS, a real SQLite store, a broker and
// the consent flow mounted on an httptest server.
type fixture struct {
	clock   *testClock
	idp     *entra.Server
	dir     string
	store   *sqlstore.Store
	reg     *Registry
	logs    *logtest.Buffer
	log     *slog.Logger
	key     []byte
	broker  *Broker
	consent *Consent
	links   *SignInLinks
	web     *httptest.Server
	signIns atomic.Int32

	mu      sync.Mutex
	secrets []string // every token seen; none may appear in the logs
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureIn(t, "public")
}

// newFixtureIn is newFixture in a named cloud: the fake Entra ID plays its
// audiences and the registry is that cloud's.
func newFixtureIn(t testing.TB, cloudName string) *fixture {
	t.Helper()
	f := &fixture{clock: &testClock{t: time.Now().UTC().Truncate(time.Second)}, logs: &logtest.Buffer{}, dir: t.TempDir()}
	f.log = slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	idp, err := entra.New(entra.Options{Demo: true, Now: f.clock.Now, Cloud: cloudName})
	if err != nil {
		t.Fatal(err)
	}
	f.idp = idp
	t.Cleanup(func() { _ = idp.Close() })
	f.key = make([]byte, 32)
	_, _ = rand.Read(f.key)
	k, err := sqlstore.NewKeyring(f.key)
	if err != nil {
		t.Fatal(err)
	}
	f.store = f.openStore(t, k)
	f.reg, err = NewRegistry(RegistryOptions{Cloud: cloudName})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.web = httptest.NewServer(mux)
	t.Cleanup(f.web.Close)
	if err := idp.AddRedirectURI(demo.ClientID, f.web.URL+"/auth/end"); err != nil {
		t.Fatal(err)
	}
	// The links first: the broker and the consent flow share them.
	if f.links, err = NewSignInLinks(SignInLinksOptions{RedirectURL: f.web.URL + "/auth/end", StateKey: f.key, Registry: f.reg, Now: f.clock.Now,
		Authority: idp.URL(), ClientID: demo.ClientID}); err != nil {
		t.Fatal(err)
	}
	f.broker = f.newBroker(t, demo.ClientSecret)
	f.consent, err = NewConsent(ConsentOptions{
		Authority: idp.URL(), ClientID: demo.ClientID, Credential: secret(t, demo.ClientSecret),
		Links: f.links, HTTPClient: idp.Client(), Broker: f.broker,
		Logger: f.log, DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("GET /auth/start", f.consent.Start)
	mux.HandleFunc("GET /auth/end", f.consent.End)
	mux.HandleFunc("GET "+f.consent.ScriptPath(), f.consent.EndScript)
	t.Cleanup(func() { f.checkLogs(t) })
	return f
}

func (f *fixture) openStore(t testing.TB, k *sqlstore.Keyring) *sqlstore.Store {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), sqlstore.Options{URL: filepath.Join(f.dir, "fd.db"), Keyring: k, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func secret(t testing.TB, s string) ClientCredential {
	t.Helper()
	c, err := NewSecretCredential(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) newBroker(t testing.TB, clientSecret string) *Broker {
	t.Helper()
	b, err := NewBroker(BrokerOptions{
		Registry: f.reg, Store: f.store, Authority: f.idp.URL(), ClientID: demo.ClientID,
		Credential: secret(t, clientSecret), HTTPClient: f.idp.Client(), Now: f.clock.Now, Logger: f.log,
		OnSignInNeeded: func(context.Context, flowdeck.Principal) { f.signIns.Add(1) },
		Links:          f.links,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// remember registers a secret that must never be logged.
func (f *fixture) remember(s ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range s {
		if x != "" {
			f.secrets = append(f.secrets, x)
		}
	}
}

func (f *fixture) checkLogs(t testing.TB) {
	logs := f.logs.String()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.secrets {
		if strings.Contains(logs, s) {
			t.Errorf("a token appears in the logs")
		}
	}
}

// sso mints the user's Teams SSO token and returns a request context carrying it.
func (f *fixture) sso(t testing.TB, u demo.User, mfa bool) context.Context {
	t.Helper()
	a, err := f.idp.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2, MFA: mfa})
	if err != nil {
		t.Fatal(err)
	}
	f.remember(a)
	return flowdeck.WithAssertion(context.Background(), flowdeck.NewAssertion(a))
}

// consentAll grants the user's consent to every audience.
func (f *fixture) consentAll(u demo.User) {
	for _, r := range []string{entra.FlowResource, entra.PowerAppsResource, entra.GraphResource} {
		f.idp.GrantConsent(u.TenantID, u.ID, demo.ClientID, r, ".default")
	}
}

func (f *fixture) token(t testing.TB, ctx context.Context, b *Broker, u demo.User, aud string) string {
	t.Helper()
	tok, err := b.Token(ctx, principal(u), aud)
	if err != nil {
		t.Fatalf("Token(%s): %v", aud, err)
	}
	f.remember(tok)
	return tok
}

func (f *fixture) stored(t testing.TB, u demo.User, aud string) (flowdeck.DelegatedToken, bool) {
	t.Helper()
	dt, err := f.store.GetToken(context.Background(), u.TenantID, u.ID, aud)
	if errors.Is(err, flowdeck.ErrNotFound) {
		return dt, false
	}
	if err != nil {
		t.Fatal(err)
	}
	f.remember(dt.AccessToken, dt.RefreshToken)
	return dt, true
}

// requests is the number of token requests the fake has seen.
func (f *fixture) requests() int {
	n := 0
	for _, r := range f.idp.RequestLog() {
		if strings.HasSuffix(r.Path, "/oauth2/v2.0/token") {
			n++
		}
	}
	return n
}

// dbContains reports whether any file of the store holds s in clear.
func (f *fixture) dbContains(t testing.TB, s string) bool {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(f.dir, "fd.db*"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// browser is a client with cookies that trusts the fake and stops at redirects.
func (f *fixture) browser() *http.Client {
	c := f.idp.Client()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

var flowField = regexp.MustCompile(`name="flow" value="([^"]+)"`)

// page is a fetched page: status, Location and body.
type page struct {
	status   int
	location string
	body     string
}

func get(t testing.TB, c *http.Client, u string) page {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header.Get("Location"), string(b)}
}

// signIn drives the whole consent flow from a StartURL: /auth/start, the
// fake's authorize page (signing in as who), and back to /auth/end, whose
// page it returns. mutate, if set, may change the redirect to /auth/end.
func (f *fixture) signIn(t testing.TB, c *http.Client, startURL string, who demo.User, action string, mutate func(*url.URL)) page {
	t.Helper()
	p := get(t, c, startURL)
	if p.status != http.StatusFound || !strings.HasPrefix(p.location, f.idp.URL()+"/"+adele.TenantID+"/oauth2/v2.0/authorize?") {
		t.Fatalf("/auth/start: %d → %q %s", p.status, p.location, p.body)
	}
	authz := get(t, c, p.location)
	m := flowField.FindStringSubmatch(authz.body)
	if authz.status != http.StatusOK || m == nil {
		t.Fatalf("authorize page: %d %s", authz.status, authz.body)
	}
	resp, err := c.PostForm(f.idp.URL()+"/"+adele.TenantID+"/oauth2/v2.0/authorize",
		url.Values{"flow": {m[1]}, "user": {who.ID}, "action": {action}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || !strings.HasPrefix(back.String(), f.web.URL+"/auth/end?") {
		t.Fatalf("authorize submit: %d → %v", resp.StatusCode, back)
	}
	if code := back.Query().Get("code"); code != "" {
		f.remember(code)
	}
	if mutate != nil {
		mutate(back)
	}
	return get(t, c, back.String())
}
