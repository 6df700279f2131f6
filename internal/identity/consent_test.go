package identity

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

func TestConsentStartRedirect(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	start, err := f.consent.StartURL(principal(adele), adele.UPN, []string{Flow, Graph}, "consent")
	if err != nil {
		t.Fatal(err)
	}
	c := f.browser()
	p := get(t, c, start)
	loc, _ := url.Parse(p.location)
	q := loc.Query()
	if p.status != http.StatusFound || q.Get("response_type") != "code" || q.Get("client_id") != demo.ClientID ||
		q.Get("redirect_uri") != f.web.URL+"/auth/end" || q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 ||
		q.Get("prompt") != "consent" || q.Get("login_hint") != adele.UPN || q.Get("nonce") == "" || q.Get("state") == "" {
		t.Fatalf("authorize redirect %d %v", p.status, loc)
	}
	scope := q.Get("scope")
	for _, want := range []string{"https://service.flow.microsoft.com//Flows.Manage.All", "https://graph.microsoft.com//User.Read", "openid", "profile", "offline_access"} {
		if !strings.Contains(scope, want) {
			t.Errorf("scope %q lacks %s", scope, want)
		}
	}
	if strings.Contains(scope, "powerapps") {
		t.Errorf("scope %q asks an audience not requested", scope)
	}
	u, _ := url.Parse(f.web.URL + "/auth/end")
	ck := c.Jar.Cookies(u)
	if len(ck) != 1 || !strings.HasPrefix(ck[0].Name, "flowdeck_auth_") {
		t.Errorf("cookies = %v", ck)
	}
	if _, err := f.consent.StartURL(principal(adele), "", nil, "none"); err == nil {
		t.Error("prompt=none accepted")
	}
}

func TestConsentFlowSignsInEveryAudience(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	start, err := f.consent.StartURL(principal(adele), adele.UPN, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	pg := f.signIn(t, f.browser(), start, adele, "accept", nil)
	if !strings.Contains(pg.body, `data-result="signed_in"`) {
		t.Fatalf("end page: %d %s", pg.status, pg.body)
	}
	before := f.requests()
	for aud := range resources {
		dt, ok := f.stored(t, adele, aud)
		if !ok || dt.RefreshToken == "" {
			t.Fatalf("%s not stored", aud)
		}
		if got := f.token(t, t.Context(), f.broker, adele, aud); got != dt.AccessToken {
			t.Errorf("%s: Token is not the stored token", aud)
		}
	}
	if f.requests() != before {
		t.Error("tokens of the sign-in were not used")
	}
	// The stored refresh token works after expiry.
	f.clock.Advance(2 * time.Hour)
	f.token(t, t.Context(), f.broker, adele, Flow)
}

func TestConsentEndRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	start := func() string {
		u, err := f.consent.StartURL(principal(adele), adele.UPN, []string{Graph}, "")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	check := func(name string, pg page, status int, reason string) {
		t.Helper()
		if pg.status != status || !strings.Contains(pg.body, `data-outcome="failure"`) || !strings.Contains(pg.body, `data-result="`+reason+`"`) {
			t.Errorf("%s: %d %s, want %d %s", name, pg.status, pg.body, status, reason)
		}
		if _, ok := f.stored(t, adele, Graph); ok {
			t.Errorf("%s: tokens stored", name)
		}
		if _, ok := f.stored(t, megan, Graph); ok {
			t.Errorf("%s: tokens stored for the other user", name)
		}
	}
	check("tampered", f.signIn(t, f.browser(), start(), adele, "accept", func(u *url.URL) {
		q := u.Query()
		s := []byte(q.Get("state"))
		s[10] ^= 1
		q.Set("state", string(s))
		u.RawQuery = q.Encode()
	}), http.StatusBadRequest, "invalid_state")
	check("expired", f.signIn(t, f.browser(), start(), adele, "accept", func(*url.URL) { f.clock.Advance(11 * time.Minute) }),
		http.StatusBadRequest, "expired")
	check("other user", f.signIn(t, f.browser(), start(), megan, "accept", nil), http.StatusForbidden, "wrong_user")
	check("declined", f.signIn(t, f.browser(), start(), adele, "cancel", nil), http.StatusOK, "access_denied")
	// A code delivered to a browser that did not start the flow (no cookie).
	other := f.browser()
	check("no cookie", f.signIn(t, f.browser(), start(), adele, "accept", func(u *url.URL) {
		pg := get(t, other, u.String())
		if !strings.Contains(pg.body, `data-result="no_session"`) {
			t.Errorf("foreign browser: %s", pg.body)
		}
		q := u.Query()
		q.Set("state", "garbage")
		u.RawQuery = q.Encode()
	}), http.StatusBadRequest, "invalid_state")
	// A state from another deployment (other key) is as good as garbage.
	pg := get(t, f.browser(), f.web.URL+"/auth/end?code=x&state="+url.QueryEscape(strings.TrimPrefix(start(), f.web.URL+"/auth/start?s=")+"x"))
	check("forged", pg, http.StatusBadRequest, "invalid_state")
}

func TestConsentEndScriptAndPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	resp, err := http.Get(f.web.URL + "/auth/end.js")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/javascript") || !strings.Contains(string(b), "notifySuccess") {
		t.Errorf("end.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	pg := get(t, f.browser(), f.web.URL+"/auth/end?state=nope")
	if strings.Contains(pg.body, "<script>") || !strings.Contains(pg.body, DefaultTeamsJSURL) {
		t.Errorf("page has an inline script or lacks the Teams SDK: %s", pg.body)
	}
}

func TestAdminConsentURL(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	raw := f.consent.AdminConsentURL(demo.TenantID)
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/"+demo.TenantID+"/v2.0/adminconsent" || q.Get("client_id") != demo.ClientID || q.Get("redirect_uri") != f.web.URL+"/auth/end" ||
		q.Get("scope") != "https://service.flow.microsoft.com//.default https://service.powerapps.com//.default https://graph.microsoft.com//.default" {
		t.Fatalf("admin consent URL %s", raw)
	}
	// An administrator accepts at the fake; Entra comes back to /auth/end.
	c := f.browser()
	pg := get(t, c, raw)
	m := flowField.FindStringSubmatch(pg.body)
	if pg.status != 200 || m == nil {
		t.Fatalf("admin consent page %d %s", pg.status, pg.body)
	}
	resp, err := c.PostForm(f.idp.URL()+"/"+demo.TenantID+"/v2.0/adminconsent", url.Values{"flow": {m[1]}, "user": {demo.Users()[5].ID}, "action": {"accept"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	end := get(t, c, resp.Header.Get("Location"))
	if !strings.Contains(end.body, "Admin consent granted") {
		t.Errorf("end page after admin consent: %s", end.body)
	}
	if got := f.idp.ConsentedScopes(demo.TenantID, megan.ID, demo.ClientID, entra.FlowResource); len(got) != 5 {
		t.Errorf("tenant-wide Flow consent = %v", got)
	}
	if got := AdminConsentURL("https://login.microsoftonline.com/", "organizations", "c", "https://x/auth/end"); !strings.HasPrefix(got, "https://login.microsoftonline.com/organizations/v2.0/adminconsent?") {
		t.Errorf("package AdminConsentURL = %s", got)
	}
}
