package entra

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

var flowField = regexp.MustCompile(`name="flow" value="([^"]+)"`)

func pkce() (verifier, challenge string) {
	verifier = randomString(48)
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorizeURL builds the authorize URL with MSAL and adds PKCE and state.
func (f *fixture) authorizeURL(t *testing.T, challenge, loginHint string, scopes []string) string {
	t.Helper()
	var opts []confidential.AuthCodeURLOption
	if loginHint != "" {
		opts = append(opts, confidential.WithLoginHint(loginHint))
	}
	raw, err := f.msal(t, demo.TenantID).AuthCodeURL(ctx(t), demo.ClientID, DemoRedirectURI, scopes, opts...)
	if err != nil {
		t.Fatalf("AuthCodeURL: %v", err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("prompt", "consent")
	q.Set("state", "st-123")
	q.Set("nonce", "n-456")
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// getPage GETs a page and returns its HTML and flow id.
func (f *fixture) getPage(t *testing.T, pageURL string) (string, string) {
	t.Helper()
	resp, err := f.noRedirect().Get(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("page status %d: %s", resp.StatusCode, b)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	html := string(b)
	if strings.Contains(html, "<script") {
		t.Error("page contains a script")
	}
	m := flowField.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no flow field in page: %s", html)
	}
	return html, m[1]
}

// submit posts the page form and returns the redirect's query.
func (f *fixture) submit(t *testing.T, path string, form url.Values) url.Values {
	t.Helper()
	resp, err := f.noRedirect().PostForm(f.srv.URL()+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("submit status %d, want 302: %s", resp.StatusCode, b)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != DemoRedirectURI {
		t.Errorf("redirected to %s, want %s", got, DemoRedirectURI)
	}
	return loc.Query()
}

const authorizePath = "/" + demo.TenantID + "/oauth2/v2.0/authorize"

func TestAuthorizeConsentAndCodeWithMSAL(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	verifier, challenge := pkce()
	scopes := []string{flowDefault}
	html, flow := f.getPage(t, f.authorizeURL(t, challenge, adele.UPN, scopes))
	for _, want := range []string{"Adele Vance", "FlowDeck", "Read your flows and their runs", "Respond to and manage your approvals"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	q := f.submit(t, authorizePath, url.Values{"flow": {flow}, "user": {adele.ID}, "action": {"accept"}})
	if q.Get("state") != "st-123" || q.Get("code") == "" {
		t.Fatalf("redirect query %v: want code and state", q)
	}
	if got := f.srv.ConsentedScopes(demo.TenantID, adele.ID, demo.ClientID, FlowResource); len(got) != 5 {
		t.Errorf("consented scopes = %v, want the 5 required", got)
	}
	res, err := f.msal(t, demo.TenantID).AcquireTokenByAuthCode(ctx(t), q.Get("code"), DemoRedirectURI, scopes, confidential.WithChallenge(verifier))
	if err != nil {
		t.Fatalf("AcquireTokenByAuthCode: %v", err)
	}
	claims := f.parseClaims(t, res.AccessToken)
	if claims["aud"] != FlowResource || claims["oid"] != adele.ID ||
		claims["scp"] != "Activity.Read.All Approvals.Manage.All Approvals.Read.All Flows.Manage.All Flows.Read.All" {
		t.Errorf("aud/oid/scp = %v/%v/%v", claims["aud"], claims["oid"], claims["scp"])
	}
	if id := f.parseClaims(t, res.IDToken.RawToken); id["nonce"] != "n-456" || res.Account.PreferredUsername != adele.UPN {
		t.Errorf("id_token nonce %v, account %q", id["nonce"], res.Account.PreferredUsername)
	}
	// The code is single-use.
	status, body := f.post(t, demo.TenantID, url.Values{
		"grant_type": {GrantAuthorizationCode}, "client_id": {demo.ClientID}, "client_secret": {demo.ClientSecret},
		"code": {q.Get("code")}, "redirect_uri": {DemoRedirectURI}, "code_verifier": {verifier}, "scope": {flowDefault},
	})
	checkEntraError(t, status, body, 400, "invalid_grant", 54005)
}

func codeForm(code, verifier, redirect string) url.Values {
	return url.Values{
		"grant_type": {GrantAuthorizationCode}, "client_id": {demo.ClientID}, "client_secret": {demo.ClientSecret},
		"code": {code}, "redirect_uri": {redirect}, "code_verifier": {verifier}, "scope": {flowDefault + " openid offline_access"},
	}
}

func TestCodeRedemptionErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	newCode := func() (string, string) {
		verifier, challenge := pkce()
		_, flow := f.getPage(t, f.authorizeURL(t, challenge, adele.UPN, []string{flowDefault}))
		q := f.submit(t, authorizePath, url.Values{"flow": {flow}, "user": {adele.ID}, "action": {"accept"}})
		return q.Get("code"), verifier
	}
	t.Run("wrong verifier", func(t *testing.T) {
		code, _ := newCode()
		status, body := f.post(t, demo.TenantID, codeForm(code, "wrong-verifier-wrong-verifier-wrong-verifier-xx", DemoRedirectURI))
		checkEntraError(t, status, body, 400, "invalid_grant", 501481)
	})
	t.Run("other redirect", func(t *testing.T) {
		code, verifier := newCode()
		status, body := f.post(t, demo.TenantID, codeForm(code, verifier, "http://127.0.0.1:3978/other"))
		checkEntraError(t, status, body, 400, "invalid_grant", 70000)
	})
	t.Run("expired", func(t *testing.T) {
		code, verifier := newCode()
		f.clock.Advance(11 * time.Minute)
		status, body := f.post(t, demo.TenantID, codeForm(code, verifier, DemoRedirectURI))
		checkEntraError(t, status, body, 400, "invalid_grant", 70008)
	})
	t.Run("ok raw", func(t *testing.T) {
		code, verifier := newCode()
		status, body := f.post(t, demo.TenantID, codeForm(code, verifier, DemoRedirectURI))
		if status != http.StatusOK || body["refresh_token"] == nil || body["id_token"] == nil {
			t.Errorf("status %d body %v", status, body)
		}
	})
}

func TestAuthorizeCancel(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, flow := f.getPage(t, f.authorizeURL(t, "", adele.UPN, []string{flowDefault}))
	q := f.submit(t, authorizePath, url.Values{"flow": {flow}, "action": {"cancel"}})
	if q.Get("error") != "access_denied" || !strings.HasPrefix(q.Get("error_description"), "AADSTS65004") || q.Get("state") != "st-123" || q.Get("code") != "" {
		t.Errorf("cancel redirect query = %v", q)
	}
	if got := f.srv.ConsentedScopes(demo.TenantID, adele.ID, demo.ClientID, FlowResource); len(got) != 0 {
		t.Errorf("consent recorded on cancel: %v", got)
	}
}

func TestAuthorizePickerEscapes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	evil := demo.User{ID: "e0e0e0e0-0000-4000-8000-0000000000e0", TenantID: demo.TenantID, Name: `<b onmouseover="x">Evil</b>`, UPN: "evil@" + demo.TenantDomain}
	if err := f.srv.AddUser(evil); err != nil {
		t.Fatal(err)
	}
	html, flow := f.getPage(t, f.authorizeURL(t, "", "", []string{"https://graph.microsoft.com/User.Read"}))
	if strings.Contains(html, `<b onmouseover`) || !strings.Contains(html, "&lt;b onmouseover=") {
		t.Error("user name is not HTML-escaped")
	}
	for _, u := range demo.UsersOf(demo.TenantID) {
		if !strings.Contains(html, u.UPN) {
			t.Errorf("picker lacks %s", u.UPN)
		}
	}
	if strings.Contains(html, fabUsr.UPN) {
		t.Error("picker lists a user of another tenant")
	}
	q := f.submit(t, authorizePath, url.Values{"flow": {flow}, "user": {megan.ID}, "action": {"accept"}})
	if q.Get("code") == "" {
		t.Fatalf("no code: %v", q)
	}
	if got := f.srv.ConsentedScopes(demo.TenantID, megan.ID, demo.ClientID, GraphResource); len(got) != 1 || got[0] != "User.Read" {
		t.Errorf("consent = %v", got)
	}
}

func TestAuthorizeRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	base := f.srv.URL() + authorizePath + "?response_type=code&client_id=" + demo.ClientID + "&scope=openid"
	for name, u := range map[string]string{
		"unregistered redirect": base + "&redirect_uri=" + url.QueryEscape("https://evil.example/cb"),
		"missing redirect":      base,
		"unknown client":        f.srv.URL() + authorizePath + "?response_type=code&client_id=nope&redirect_uri=" + url.QueryEscape(DemoRedirectURI),
	} {
		resp, err := f.noRedirect().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("%s: status %d location %q, want 400 page and no redirect", name, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for name, form := range map[string]url.Values{
		"unknown flow":   {"flow": {"nope"}, "action": {"accept"}},
		"no action":      {},
		"garbage action": {"flow": {"x"}, "action": {"<script>"}},
	} {
		resp, err := f.noRedirect().PostForm(f.srv.URL()+authorizePath, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, resp.StatusCode)
		}
	}
	// Errors after the redirect URI is validated go back to the app.
	resp, err := f.noRedirect().Get(base + "&redirect_uri=" + url.QueryEscape(DemoRedirectURI) + "&code_challenge=abc&code_challenge_method=plain&state=s")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc.Query().Get("error") != "invalid_request" {
		t.Errorf("plain PKCE: status %d location %v", resp.StatusCode, loc)
	}
}

func TestAuthorizePromptNone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	silent := func() url.Values {
		u := f.authorizeURL(t, "", adele.UPN, []string{flowDefault})
		u = strings.Replace(u, "prompt=consent", "prompt=none", 1)
		resp, err := f.noRedirect().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		return loc.Query()
	}
	if q := silent(); q.Get("error") != "consent_required" {
		t.Errorf("without consent: %v", q)
	}
	f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, FlowResource, ".default")
	if q := silent(); q.Get("code") == "" {
		t.Errorf("with consent: %v", q)
	}
}

func TestAdminConsent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	redirect := "https://flowdeck.contoso.example/admin/done"
	if err := f.srv.AddRedirectURI(demo.ClientID, redirect); err != nil {
		t.Fatal(err)
	}
	page := f.srv.URL() + "/" + demo.TenantID + "/v2.0/adminconsent?client_id=" + demo.ClientID +
		"&state=adm&redirect_uri=" + url.QueryEscape(redirect)
	html, flow := f.getPage(t, page)
	for _, want := range []string{"for everyone in Contoso", "Read your flows", "Access Power Apps", "Sign you in and read your profile"} {
		if !strings.Contains(html, want) {
			t.Errorf("admin page lacks %q", want)
		}
	}
	resp, err := f.noRedirect().PostForm(f.srv.URL()+"/"+demo.TenantID+"/v2.0/adminconsent", url.Values{"flow": {flow}, "user": {demo.Users()[5].ID}, "action": {"accept"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	if resp.StatusCode != http.StatusFound || q.Get("admin_consent") != "True" || q.Get("tenant") != demo.TenantID || q.Get("state") != "adm" {
		t.Fatalf("admin consent redirect: %d %v", resp.StatusCode, loc)
	}
	// Every user of the tenant can now OBO; the other tenant still cannot.
	for _, u := range []demo.User{adele, megan} {
		a := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: u.ID, Version: 2})
		if _, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), a, []string{PowerAppsResource + "/.default"}); err != nil {
			t.Errorf("%s: OBO after admin consent: %v", u.Name, err)
		}
	}
	a := f.sso(t, SSORequest{TenantID: demo.OtherTenantID, UserID: fabUsr.ID, Version: 2})
	_, err = f.msal(t, demo.OtherTenantID).AcquireTokenOnBehalfOf(ctx(t), a, []string{PowerAppsResource + "/.default"})
	status, body := msalErrBody(t, err)
	checkEntraError(t, status, body, 400, "invalid_grant", 65001)
}
