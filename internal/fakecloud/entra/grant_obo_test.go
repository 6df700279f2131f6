package entra

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func TestOBOWithMSAL(t *testing.T) {
	t.Parallel()
	for _, version := range []int{1, 2} {
		t.Run("v"+strconv.Itoa(version), func(t *testing.T) {
			f := newFixture(t)
			f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, FlowResource, "Flows.Read.All", "Activity.Read.All")
			c := f.msal(t, demo.TenantID)
			assertion := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: version})
			res, err := c.AcquireTokenOnBehalfOf(ctx(t), assertion, []string{flowDefault})
			if err != nil {
				t.Fatalf("AcquireTokenOnBehalfOf: %v", err)
			}
			claims := f.parseClaims(t, res.AccessToken)
			want := map[string]any{
				"aud":   FlowResource,
				"iss":   "https://sts.windows.net/" + demo.TenantID + "/",
				"tid":   demo.TenantID,
				"oid":   adele.ID,
				"upn":   adele.UPN,
				"name":  adele.Name,
				"appid": demo.ClientID,
				"scp":   "Activity.Read.All Flows.Read.All",
				"ver":   "1.0",
			}
			for k, v := range want {
				if claims[k] != v {
					t.Errorf("%s = %v, want %v", k, claims[k], v)
				}
			}
			for _, k := range []string{"iat", "nbf", "exp", "uti", "sub"} {
				if claims[k] == nil {
					t.Errorf("claim %s missing", k)
				}
			}
			if got, want := res.Account.HomeAccountID, adele.ID+"."+demo.TenantID; got != want {
				t.Errorf("HomeAccountID = %q, want %q (client_info)", got, want)
			}
			if time.Until(res.ExpiresOn) < 50*time.Minute {
				t.Errorf("ExpiresOn %v is too soon", res.ExpiresOn)
			}
			// Same assertion, same scopes: MSAL's cache, no second OBO call.
			if _, err := c.AcquireTokenOnBehalfOf(ctx(t), assertion, []string{flowDefault}); err != nil {
				t.Fatal(err)
			}
			if got := f.srv.OBOCount(demo.TenantID, adele.ID, FlowResource); got != 1 {
				t.Errorf("OBOCount = %d, want 1", got)
			}
			// A new assertion is a new OBO call.
			assertion2 := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: version})
			if _, err := c.AcquireTokenOnBehalfOf(ctx(t), assertion2, []string{"https://service.flow.microsoft.com/Flows.Read.All"}); err != nil {
				t.Fatal(err)
			}
			if got := f.srv.OBOCount(demo.TenantID, adele.ID, "https://service.flow.microsoft.com"); got != 2 {
				t.Errorf("OBOCount = %d, want 2", got)
			}
			if got := f.srv.GrantCount(GrantOBO); got != 2 {
				t.Errorf("GrantCount(OBO) = %d, want 2", got)
			}
		})
	}
}

func TestOBOResponseFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantAdminConsent(demo.TenantID, demo.ClientID, GraphResource, "User.Read")
	assertion := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: megan.ID, Version: 2})
	status, body := f.post(t, demo.TenantID, oboForm(assertion, "https://graph.microsoft.com/User.Read"))
	if status != http.StatusOK {
		t.Fatalf("status %d: %v", status, body)
	}
	for _, k := range []string{"access_token", "refresh_token", "id_token", "client_info", "scope"} {
		if s, _ := body[k].(string); s == "" {
			t.Errorf("%s missing", k)
		}
	}
	if body["token_type"] != "Bearer" || body["expires_in"] != float64(3600) || body["ext_expires_in"] != float64(3600) {
		t.Errorf("token_type/expires_in/ext_expires_in = %v/%v/%v", body["token_type"], body["expires_in"], body["ext_expires_in"])
	}
	if rt := body["refresh_token"].(string); strings.Count(rt, ".") == 2 {
		t.Errorf("refresh token looks like a JWT: it must be opaque")
	}
	id := f.parseClaims(t, body["id_token"].(string))
	if id["aud"] != demo.ClientID || id["oid"] != megan.ID || id["iss"] != f.srv.Issuer(demo.TenantID) {
		t.Errorf("id_token aud/oid/iss = %v/%v/%v", id["aud"], id["oid"], id["iss"])
	}
}

func TestOBOErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, FlowResource, ".default")
	if err := f.srv.AddResource(Resource{ID: "https://api.powerplatform.com/", AppID: "8578e004-a5c6-46e7-913e-12f58912df43", Name: "Power Platform API", Scopes: map[string]string{"EnvironmentManagement.Environments.Read": "Read environments"}}); err != nil {
		t.Fatal(err)
	}
	good := func() string { return f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2}) }

	t.Run("consent required 65001", func(t *testing.T) {
		_, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), good(), []string{PowerAppsResource + "/.default"})
		status, body := msalErrBody(t, err)
		checkEntraError(t, status, body, 400, "invalid_grant", 65001)
		if body["suberror"] != "consent_required" {
			t.Errorf("suberror = %v, want consent_required", body["suberror"])
		}
		desc := body["error_description"].(string)
		if !strings.Contains(desc, "application with ID '"+demo.ClientID+"' named 'FlowDeck'") {
			t.Errorf("description %q does not name the app", desc)
		}
	})
	t.Run("partial consent 65001", func(t *testing.T) {
		// Consent to .default covers the required scopes, not Flows.Read.Plans.
		_, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), good(), []string{"https://service.flow.microsoft.com/Flows.Read.Plans"})
		status, body := msalErrBody(t, err)
		checkEntraError(t, status, body, 400, "invalid_grant", 65001)
	})
	t.Run("MFA 50076 with claims", func(t *testing.T) {
		f.srv.RequireMFA(demo.TenantID, adele.ID, FlowResource)
		defer f.srv.ClearMFA(demo.TenantID, adele.ID, FlowResource)
		_, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), good(), []string{flowDefault})
		status, body := msalErrBody(t, err)
		checkEntraError(t, status, body, 400, "interaction_required", 50076)
		if claims, _ := body["claims"].(string); !strings.Contains(claims, `"access_token"`) || !strings.Contains(claims, "capolids") {
			t.Errorf("claims = %q, want a capolids challenge", claims)
		}
		mfa := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2, MFA: true})
		if _, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), mfa, []string{flowDefault}); err != nil {
			t.Errorf("OBO with an MFA assertion: %v", err)
		}
	})
	t.Run("resource not required 650057", func(t *testing.T) {
		_, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), good(), []string{"https://api.powerplatform.com//.default"})
		status, body := msalErrBody(t, err)
		checkEntraError(t, status, body, 400, "invalid_client", 650057)
	})
	t.Run("expired assertion 500133", func(t *testing.T) {
		old := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2, Lifetime: 10 * time.Minute})
		f.clock.Advance(11 * time.Minute)
		_, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), old, []string{flowDefault})
		status, body := msalErrBody(t, err)
		checkEntraError(t, status, body, 400, "invalid_grant", 500133)
	})
	t.Run("assertion for another audience", func(t *testing.T) {
		other := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2, Audience: "api://someone-else"})
		_, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), other, []string{flowDefault})
		status, body := msalErrBody(t, err)
		checkEntraError(t, status, body, 400, "invalid_grant", 50013)
		if !strings.Contains(body["error_description"].(string), "audience") {
			t.Errorf("description %q does not mention the audience", body["error_description"])
		}
	})
	t.Run("assertion without access_as_user", func(t *testing.T) {
		noScope := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2, Scopes: []string{"User.Read"}})
		_, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), noScope, []string{flowDefault})
		status, body := msalErrBody(t, err)
		checkEntraError(t, status, body, 400, "invalid_grant", 50013)
	})
	t.Run("assertion of another tenant", func(t *testing.T) {
		fab := f.sso(t, SSORequest{TenantID: demo.OtherTenantID, UserID: fabUsr.ID, Version: 2})
		_, err := f.msal(t, demo.TenantID).AcquireTokenOnBehalfOf(ctx(t), fab, []string{flowDefault})
		status, body := msalErrBody(t, err)
		checkEntraError(t, status, body, 400, "invalid_grant", 50020)
	})
	t.Run("forged signature", func(t *testing.T) {
		tok := good()
		forged := tok[:len(tok)-4] + "AAAA"
		status, body := f.post(t, demo.TenantID, oboForm(forged, flowDefault))
		checkEntraError(t, status, body, 400, "invalid_grant", 50013)
	})
	t.Run("garbage assertion", func(t *testing.T) {
		status, body := f.post(t, demo.TenantID, oboForm("not-a-jwt", flowDefault))
		checkEntraError(t, status, body, 400, "invalid_request", 50027)
	})
	t.Run("two resources 28000", func(t *testing.T) {
		status, body := f.post(t, demo.TenantID, oboForm(good(), flowDefault+" "+PowerAppsResource+"/User"))
		checkEntraError(t, status, body, 400, "invalid_scope", 28000)
	})
	t.Run("missing requested_token_use", func(t *testing.T) {
		form := oboForm(good(), flowDefault)
		form.Del("requested_token_use")
		status, body := f.post(t, demo.TenantID, form)
		checkEntraError(t, status, body, 400, "invalid_request", 900144)
	})
}

func TestOBOConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantAllDemoConsent()
	const n = 16
	errs := make(chan error, n)
	c := f.msal(t, demo.TenantID)
	for i := range n {
		go func() {
			u := demo.UsersOf(demo.TenantID)[i%3]
			a, err := f.srv.MintSSOToken(SSORequest{TenantID: demo.TenantID, UserID: u.ID, Version: 2})
			if err == nil {
				_, err = c.AcquireTokenOnBehalfOf(t.Context(), a, []string{flowDefault})
			}
			errs <- err
		}()
		if i == n/2 {
			if err := f.srv.RotateKeys(); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	total := 0
	for _, u := range demo.UsersOf(demo.TenantID)[:3] {
		total += f.srv.OBOCount(demo.TenantID, u.ID, FlowResource)
	}
	if total != n {
		t.Errorf("OBO count = %d, want %d", total, n)
	}
}
