package entra

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func refreshForm(rt, scope string) url.Values {
	return url.Values{
		"grant_type":    {GrantRefreshToken},
		"client_id":     {demo.ClientID},
		"client_secret": {demo.ClientSecret},
		"refresh_token": {rt},
		"scope":         {scope + " offline_access"},
	}
}

// oboRT does an OBO for Flow and returns the refresh token.
func oboRT(t *testing.T, f *fixture, u demo.User) string {
	t.Helper()
	assertion := f.sso(t, SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2})
	status, body := f.post(t, u.TenantID, oboForm(assertion, flowDefault))
	if status != http.StatusOK {
		t.Fatalf("OBO: %d %v", status, body)
	}
	return body["refresh_token"].(string)
}

func TestRefreshMultiResourceAndRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantAllDemoConsent()
	rt1 := oboRT(t, f, adele)

	// One RT, another consented resource (Entra RTs are multi-resource).
	status, body := f.post(t, demo.TenantID, refreshForm(rt1, PowerAppsResource+"/.default"))
	if status != http.StatusOK {
		t.Fatalf("refresh: %d %v", status, body)
	}
	claims := f.parseClaims(t, body["access_token"].(string))
	if claims["aud"] != PowerAppsResource || claims["scp"] != "User" || claims["oid"] != adele.ID {
		t.Errorf("aud/scp/oid = %v/%v/%v", claims["aud"], claims["scp"], claims["oid"])
	}
	rt2, _ := body["refresh_token"].(string)
	if rt2 == "" || rt2 == rt1 {
		t.Fatalf("refresh did not rotate the RT")
	}
	// Entra does not revoke a redeemed RT: both stay valid until they expire.
	for name, rt := range map[string]string{"old": rt1, "new": rt2} {
		if status, body := f.post(t, demo.TenantID, refreshForm(rt, flowDefault)); status != http.StatusOK {
			t.Errorf("%s RT after rotation: %d %v", name, status, body)
		}
	}
	if got := f.srv.GrantCount(GrantRefreshToken); got != 3 {
		t.Errorf("GrantCount(refresh_token) = %d, want 3", got)
	}
	// Refreshing does not count as OBO.
	if got := f.srv.OBOCount(demo.TenantID, adele.ID, PowerAppsResource); got != 0 {
		t.Errorf("OBOCount(powerapps) = %d, want 0", got)
	}
}

func TestRefreshErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, FlowResource, ".default")
	f.srv.GrantConsent(demo.TenantID, megan.ID, demo.ClientID, FlowResource, ".default")

	t.Run("consent withdrawn 65001", func(t *testing.T) {
		rt := oboRT(t, f, adele)
		f.srv.RevokeConsent(demo.TenantID, adele.ID, demo.ClientID, FlowResource)
		defer f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, FlowResource, ".default")
		status, body := f.post(t, demo.TenantID, refreshForm(rt, flowDefault))
		checkEntraError(t, status, body, 400, "invalid_grant", 65001)
		if body["suberror"] != "consent_required" {
			t.Errorf("suberror = %v", body["suberror"])
		}
	})
	t.Run("resource not required 650057", func(t *testing.T) {
		rt := oboRT(t, f, adele)
		if err := f.srv.AddResource(Resource{ID: "https://other.example/", AppID: "0a0a0a0a-0000-4000-8000-000000000001", Name: "Other", Scopes: map[string]string{"X": "x"}}); err != nil {
			t.Fatal(err)
		}
		status, body := f.post(t, demo.TenantID, refreshForm(rt, "https://other.example/X"))
		checkEntraError(t, status, body, 400, "invalid_client", 650057)
	})
	t.Run("revoked", func(t *testing.T) {
		rt := oboRT(t, f, megan)
		f.srv.RevokeRefreshTokens(demo.TenantID, megan.ID)
		status, body := f.post(t, demo.TenantID, refreshForm(rt, flowDefault))
		checkEntraError(t, status, body, 400, "invalid_grant", 50173)
	})
	t.Run("another client", func(t *testing.T) {
		rt := oboRT(t, f, adele)
		other := DemoApp()
		other.ClientID, other.Secrets = "22222222-3333-4444-8555-666666666666", []string{"s2"}
		if err := f.srv.AddApp(other); err != nil {
			t.Fatal(err)
		}
		form := refreshForm(rt, flowDefault)
		form.Set("client_id", other.ClientID)
		form.Set("client_secret", "s2")
		status, body := f.post(t, demo.TenantID, form)
		checkEntraError(t, status, body, 400, "invalid_grant", 70000)
	})
	t.Run("garbage", func(t *testing.T) {
		status, body := f.post(t, demo.TenantID, refreshForm("garbage", flowDefault))
		checkEntraError(t, status, body, 400, "invalid_grant", 9002313)
	})
	t.Run("expired 700082", func(t *testing.T) {
		rt := oboRT(t, f, adele)
		f.clock.Advance(90*24*time.Hour + time.Second)
		status, body := f.post(t, demo.TenantID, refreshForm(rt, flowDefault))
		checkEntraError(t, status, body, 400, "invalid_grant", 700082)
	})
}

// MSAL redeems its cached OBO refresh token (not a new OBO) when the same
// assertion asks for another resource.
func TestMSALRefreshesForSecondResource(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantAllDemoConsent()
	c := f.msal(t, demo.TenantID)
	assertion := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2})
	if _, err := c.AcquireTokenOnBehalfOf(ctx(t), assertion, []string{flowDefault}); err != nil {
		t.Fatal(err)
	}
	res, err := c.AcquireTokenOnBehalfOf(ctx(t), assertion, []string{PowerAppsResource + "/.default"})
	if err != nil {
		t.Fatalf("second resource: %v", err)
	}
	if aud := f.parseClaims(t, res.AccessToken)["aud"]; aud != PowerAppsResource {
		t.Errorf("aud = %v, want %s", aud, PowerAppsResource)
	}
	if got := f.srv.GrantCount(GrantRefreshToken); got != 1 {
		t.Errorf("GrantCount(refresh_token) = %d, want 1", got)
	}
	if got := f.srv.OBOCount(demo.TenantID, adele.ID, PowerAppsResource); got != 0 {
		t.Errorf("OBOCount(powerapps) = %d, want 0", got)
	}
}
