package entra

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

const graphRead = GraphResource + "User.Read"

// withClaims adds a claims parameter (and a prompt) to an authorize URL.
func withClaims(t *testing.T, raw, claims, prompt string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if claims != "" {
		q.Set("claims", claims)
	}
	q.Set("prompt", prompt)
	u.RawQuery = q.Encode()
	return u.String()
}

// signIn runs an interactive sign-in for Graph (which has no MFA policy)
// with claims and redeems the code; it returns the token response.
func (f *fixture) signIn(t *testing.T, claims string) map[string]any {
	t.Helper()
	verifier, challenge := pkce()
	html, flow := f.getPage(t, withClaims(t, f.authorizeURL(t, challenge, adele.UPN, []string{graphRead}), claims, "consent"))
	if got := strings.Contains(html, "multi-factor authentication"); got != (claims != "") {
		t.Errorf("the page asks for MFA: %v, want %v", got, claims != "")
	}
	q := f.submit(t, authorizePath, url.Values{"flow": {flow}, "user": {adele.ID}, "action": {"accept"}})
	form := codeForm(q.Get("code"), verifier, DemoRedirectURI)
	form.Set("scope", graphRead+" openid offline_access")
	status, body := f.post(t, demo.TenantID, form)
	if status != http.StatusOK {
		t.Fatalf("code redemption: %d %v", status, body)
	}
	return body
}

// TestClaimsChallengeRoundTrip: Entra's MFA answer carries the claims; an
// interactive sign-in whose authorize request passes them on performs MFA
// (amr has "mfa") even for a resource without a policy, and its refresh
// token then gets the challenged resource silently; without the claims it
// does not. The token endpoint honours a claims parameter too.
func TestClaimsChallengeRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, FlowResource, ".default")
	f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, GraphResource, "User.Read")
	f.srv.RequireMFA(demo.TenantID, adele.ID, FlowResource)
	sso := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2})
	status, body := f.post(t, demo.TenantID, oboForm(sso, flowDefault))
	checkEntraError(t, status, body, 400, "interaction_required", 50076)
	claims, _ := body["claims"].(string)
	if !strings.Contains(claims, "capolids") {
		t.Fatalf("claims = %q", claims)
	}
	refresh := func(rt, extra string) (int, map[string]any) {
		form := url.Values{"grant_type": {GrantRefreshToken}, "client_id": {demo.ClientID}, "client_secret": {demo.ClientSecret},
			"refresh_token": {rt}, "scope": {flowDefault + " offline_access"}}
		if extra != "" {
			form.Set("claims", extra)
		}
		return f.post(t, demo.TenantID, form)
	}

	plain := f.signIn(t, "")
	if amr := f.parseClaims(t, plain["access_token"].(string))["amr"]; slices.Contains(amr.([]any), any("mfa")) {
		t.Errorf("a sign-in without claims performed MFA: amr %v", amr)
	}
	status, body = refresh(plain["refresh_token"].(string), "")
	checkEntraError(t, status, body, 400, "interaction_required", 50076)
	// The token endpoint answers a claims request it cannot satisfy with the same claims.
	status, body = refresh(plain["refresh_token"].(string), claims)
	checkEntraError(t, status, body, 400, "interaction_required", 50076)
	if body["claims"] != claims {
		t.Errorf("claims echoed = %v, want %q", body["claims"], claims)
	}

	mfa := f.signIn(t, claims)
	if amr := f.parseClaims(t, mfa["access_token"].(string))["amr"]; !slices.Contains(amr.([]any), any("mfa")) {
		t.Errorf("the sign-in with claims did not perform MFA: amr %v", amr)
	}
	for _, extra := range []string{"", claims} {
		if status, body := refresh(mfa["refresh_token"].(string), extra); status != http.StatusOK {
			t.Errorf("refresh for Flow after MFA (claims %q): %d %v", extra, status, body)
		}
	}
}

// TestAuthorizeClaimsRejects: a malformed claims parameter is refused, and
// prompt=none cannot satisfy a claims challenge.
func TestAuthorizeClaimsRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, GraphResource, "User.Read")
	redirect := func(u string) url.Values {
		resp, err := f.noRedirect().Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		return loc.Query()
	}
	base := f.authorizeURL(t, "", adele.UPN, []string{graphRead})
	if q := redirect(withClaims(t, base, "not json", "consent")); q.Get("error") != "invalid_request" || !strings.Contains(q.Get("error_description"), "claims") {
		t.Errorf("malformed claims: %v", q)
	}
	mfa := `{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}`
	if q := redirect(withClaims(t, base, mfa, "none")); q.Get("error") != "interaction_required" {
		t.Errorf("prompt=none with a claims challenge: %v", q)
	}
	if q := redirect(withClaims(t, base, "", "none")); q.Get("code") == "" {
		t.Errorf("prompt=none without claims: %v", q)
	}
}
