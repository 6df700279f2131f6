package systemtest

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	fakegraph "github.com/flowdeck/flowdeck/internal/fakecloud/graph"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
	"github.com/flowdeck/flowdeck/internal/logtest"
)

// cloudFixture is FlowDeck booted as `serve` against the local cloud's fakes,
// with consent left to each test.
type cloudFixture struct {
	m     *app.Main
	logs  *logtest.Buffer
	entra *entra.Server
	pp    *powerplatform.Server
	graph *fakegraph.Server
	ca    *fakeca.CA
}

func newCloudFixture(t *testing.T) *cloudFixture {
	t.Helper()
	return newCloudFixtureAt(t, nil, false)
}

// newCloudFixtureAt is newCloudFixture with the fakes on the clock now (nil:
// the wall clock) and, when grantAll, every demo permission consented for
// the tenant.
func newCloudFixtureAt(t *testing.T, now func() time.Time, grantAll bool) *cloudFixture {
	t.Helper()
	ca, err := fakeca.New()
	if err != nil {
		t.Fatal(err)
	}
	f := &cloudFixture{ca: ca}
	if f.entra, err = entra.New(entra.Options{CA: ca, Demo: true, Now: now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.entra.Close() })
	if grantAll {
		f.entra.GrantAllDemoConsent()
	}
	if f.pp, err = powerplatform.New(powerplatform.Options{CA: ca, Keyfunc: f.entra.Keyfunc, Now: now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.pp.Close)
	if f.graph, err = fakegraph.New(fakegraph.Options{CA: ca, Keyfunc: f.entra.Keyfunc, Now: now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.graph.Close() })

	c := localtest.Config(t)
	c.TenantID, c.AllowedTenants = demo.TenantID, []string{demo.TenantID}
	c.ClientID, c.ClientSecret = demo.ClientID, demo.ClientSecret
	c.CAFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(c.CAFile, ca.CertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	parse := func(s string) *url.URL { u, _ := url.Parse(s); return u }
	c.AuthorityURL, c.FlowAPIURL, c.PowerAppsAPIURL, c.BAPAPIURL, c.GraphAPIURL =
		parse(f.entra.URL()), parse(f.pp.FlowURL()), parse(f.pp.PowerAppsURL()), parse(f.pp.BAPURL()), parse(f.graph.URL())
	c.PublicURL = parse("http://127.0.0.1:0") // replaced by the listener's address below
	f.logs = &logtest.Buffer{}
	f.m = bootOnLoopback(t, c, f.entra, f.logs)
	return f
}

// bootOnLoopback starts Main on a free port whose address is also the public
// URL, with the sign-in redirect registered at the fake Entra ID.
func bootOnLoopback(t *testing.T, c config.Config, idp *entra.Server, logs io.Writer) *app.Main {
	t.Helper()
	ln := localtest.MustListen(t)
	c.PublicURL = &url.URL{Scheme: "http", Host: ln.Addr().String()}
	c.AppIDURI = "api://" + c.PublicURL.Host + "/botid-" + c.ClientID
	if err := idp.AddRedirectURI(c.ClientID, c.PublicURL.String()+"/auth/end"); err != nil {
		t.Fatal(err)
	}
	if err := idp.AddAppIDURI(c.ClientID, c.AppIDURI); err != nil {
		t.Fatal(err)
	}
	m := &app.Main{Config: c, Logger: slog.New(slog.NewTextHandler(io.MultiWriter(t.Output(), logs), &slog.HandlerOptions{Level: slog.LevelDebug})), Version: "test", Listener: ln}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

type meBody struct {
	Profile *struct {
		DisplayName string `json:"displayName"`
		UPN         string `json:"userPrincipalName"`
	} `json:"profile"`
	ProfileError *struct{ Code string } `json:"profileError"`
	Access       []struct {
		Audience   string `json:"audience"`
		Granted    bool   `json:"granted"`
		Code       string `json:"code"`
		Message    string `json:"message"`
		ConsentURL string `json:"consentUrl"`
	} `json:"access"`
}

func getMe(t *testing.T, base, token string) (int, meBody, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/me", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body meBody
	json.Unmarshal(raw, &body)
	return resp.StatusCode, body, string(raw)
}

// TestSSOThenConsentFlow is the Identity issue's end-to-end path: a Teams SSO
// token → /api/me → OBO for Graph → profile; Power Automate not consented →
// a typed consent-required answer with its URL → the consent flow through
// /auth/start and /auth/end → the retry succeeds.
func TestSSOThenConsentFlow(t *testing.T) {
	f := newCloudFixture(t)
	adele := demo.Users()[0]
	f.entra.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, entra.GraphResource, "User.Read", "User.ReadBasic.All")
	f.entra.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, entra.PowerAppsResource, "User")

	sso, err := f.entra.MintSSOToken(entra.SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Audience: f.m.Config.AppIDURI})
	if err != nil {
		t.Fatal(err)
	}
	code, me, raw := getMe(t, f.m.URL(), sso)
	if code != 200 || me.Profile == nil || me.Profile.DisplayName != adele.Name {
		t.Fatalf("/api/me = %d %s", code, raw)
	}
	if strings.Contains(raw, sso) {
		t.Fatal("/api/me echoes the SSO token")
	}
	access := map[string]int{}
	for i, a := range me.Access {
		access[a.Audience] = i
	}
	flow := me.Access[access["flow"]]
	if flow.Granted || flow.Code != "consent_required" || flow.ConsentURL == "" || flow.Message == "" {
		t.Fatalf("flow access = %+v, want consent_required with a consent URL", flow)
	}
	if !me.Access[access["graph"]].Granted || !me.Access[access["powerapps"]].Granted {
		t.Fatalf("graph and powerapps should be granted: %+v", me.Access)
	}
	if n := f.entra.OBOCount(demo.TenantID, adele.ID, entra.GraphResource); n != 1 {
		t.Errorf("OBO calls for Graph = %d, want exactly 1 (the profile reuses the token)", n)
	}

	// The consent popup: /auth/start → Entra's consent page → accept → /auth/end.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Transport: f.ca.Client().Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if !strings.HasPrefix(flow.ConsentURL, f.m.URL()+"/auth/start?") {
		t.Fatalf("consent URL %q is not FlowDeck's /auth/start", flow.ConsentURL)
	}
	loc := follow(t, browser, "GET", flow.ConsentURL, nil, http.StatusFound)
	if !strings.HasPrefix(loc, f.entra.URL()) {
		t.Fatalf("/auth/start redirected to %s, want the authority", loc)
	}
	page := body(t, browser, loc)
	m := regexp.MustCompile(`name="flow" value="([^"]+)"`).FindStringSubmatch(page)
	action := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindStringSubmatch(page)
	if m == nil || action == nil || !strings.Contains(page, "Read your flows") {
		t.Fatalf("no consent form on Entra's page:\n%s", page)
	}
	back := follow(t, browser, "POST", resolve(loc, action[1]), url.Values{"flow": {m[1]}, "user": {adele.ID}, "action": {"accept"}}, http.StatusFound)
	if !strings.HasPrefix(back, f.m.URL()+"/auth/end?") {
		t.Fatalf("Entra redirected to %s, want /auth/end", back)
	}
	end := body(t, browser, back)
	if !strings.Contains(end, "end.js") || strings.Contains(strings.ToLower(end), "failed") {
		t.Fatalf("/auth/end page:\n%s", end)
	}

	// The retry: Power Automate is now granted, without a new SSO exchange for it.
	code, me, raw = getMe(t, f.m.URL(), sso)
	if code != 200 || !me.Access[access["flow"]].Granted {
		t.Fatalf("after consent /api/me = %d %s", code, raw)
	}

	// Nothing secret reached the logs: no JWT, no SSO token, no code, no secret.
	authCode := mustQuery(t, back).Get("code")
	logs := f.logs.String()
	for name, secret := range map[string]string{"SSO token": sso, "authorization code": authCode, "client secret": demo.ClientSecret, "a JWT": "eyJ"} {
		if secret != "" && strings.Contains(logs, secret) {
			t.Errorf("the logs contain %s", name)
		}
	}
	if !strings.Contains(logs, "/auth/end") {
		t.Error("the request log is missing: the scan above saw nothing")
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestAPIMeRejectsForgedAndForeignTokens(t *testing.T) {
	f := newCloudFixture(t)
	adele := demo.Users()[0]
	foreign := demo.UsersOf(demo.OtherTenantID)[0]
	wrongAud, _ := f.entra.MintSSOToken(entra.SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Audience: "api://evil.example.com/botid-" + demo.ClientID})
	otherTenant, _ := f.entra.MintSSOToken(entra.SSORequest{TenantID: demo.OtherTenantID, UserID: foreign.ID, Audience: f.m.Config.AppIDURI})
	for name, tc := range map[string]struct {
		token string
		code  int
	}{
		"no token":       {"", 401},
		"garbage":        {"not.a.token", 401},
		"wrong audience": {wrongAud, 401},
		"other tenant":   {otherTenant, 403},
	} {
		code, _, raw := getMe(t, f.m.URL(), tc.token)
		if code != tc.code || (tc.token != "" && strings.Contains(raw, tc.token)) {
			t.Errorf("%s: %d %s, want %d without the token", name, code, raw, tc.code)
		}
	}
	if n := f.entra.GrantCount(entra.GrantOBO); n != 0 {
		t.Errorf("%d OBO exchanges for rejected tokens, want 0", n)
	}
}

func follow(t *testing.T, c *http.Client, method, u string, form url.Values, want int) string {
	t.Helper()
	var resp *http.Response
	var err error
	if method == "POST" {
		resp, err = c.PostForm(u, form)
	} else {
		resp, err = c.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s = %d, want %d: %s", method, u, resp.StatusCode, want, b)
	}
	return resolve(u, resp.Header.Get("Location"))
}

func body(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d: %s", u, resp.StatusCode, b)
	}
	return string(b)
}

func resolve(base, ref string) string {
	b, _ := url.Parse(base)
	r, _ := url.Parse(ref)
	return b.ResolveReference(r).String()
}

func TestReadyzReflectsStoreAndAuthority(t *testing.T) {
	f := newCloudFixture(t)
	if code, _ := localtest.GetJSON(t, f.m.URL()+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d with the store and the authority up", code)
	}
	f.entra.Close()
	// A fresh check (the cached success lasts a minute): the authority is gone.
	f.m.ForgetReadiness()
	if code, body := localtest.GetJSON(t, f.m.URL()+"/readyz"); code != 503 {
		t.Fatalf("/readyz = %d %v with the authority down, want 503", code, body)
	}
}
