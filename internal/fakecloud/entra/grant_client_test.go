package entra

import (
	"maps"
	"net/http"
	"net/url"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func TestClientCredentialsWithMSAL(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.msal(t, demo.TenantID)
	scopes := []string{BotFrameworkResource + "/.default"}
	res, err := c.AcquireTokenByCredential(ctx(t), scopes)
	if err != nil {
		t.Fatalf("AcquireTokenByCredential: %v", err)
	}
	claims := f.parseClaims(t, res.AccessToken)
	want := map[string]any{
		"aud":   BotFrameworkResource,
		"iss":   "https://sts.windows.net/" + demo.TenantID + "/",
		"tid":   demo.TenantID,
		"appid": demo.ClientID,
		"idtyp": "app",
		"ver":   "1.0",
	}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("%s = %v, want %v", k, claims[k], v)
		}
	}
	if _, ok := claims["scp"]; ok {
		t.Errorf("app-only token has scp %v", claims["scp"])
	}
	if claims["oid"] == nil || claims["oid"] != claims["sub"] {
		t.Errorf("oid %v / sub %v: want the service principal id in both", claims["oid"], claims["sub"])
	}
	// MSAL serves the second call from its cache: one request only.
	if _, err := c.AcquireTokenByCredential(ctx(t), scopes); err != nil {
		t.Fatal(err)
	}
	if got := f.srv.GrantCount(GrantClientCredentials); got != 1 {
		t.Errorf("GrantCount(client_credentials) = %d, want 1", got)
	}
}

func TestClientCredentialsRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := DemoApp()
	app.ClientID, app.Secrets = "11111111-2222-4333-8444-555555555555", []string{"s3"}
	app.Required = []RequiredResource{{Resource: GraphResource, Scopes: []string{"User.Read"}, Roles: []string{"User.Read.All"}}}
	if err := f.srv.AddApp(app); err != nil {
		t.Fatal(err)
	}
	roles := func() any {
		t.Helper()
		status, body := f.post(t, demo.TenantID, url.Values{
			"grant_type": {GrantClientCredentials}, "client_id": {app.ClientID}, "client_secret": {"s3"},
			"scope": {"https://graph.microsoft.com/.default"},
		})
		if status != http.StatusOK {
			t.Fatalf("status %d: %v", status, body)
		}
		return f.parseClaims(t, body["access_token"].(string))["roles"]
	}
	if r := roles(); r != nil {
		t.Errorf("roles before admin consent = %v, want none", r)
	}
	// A grant in another tenant, or of a role the app does not require, adds nothing.
	f.srv.GrantAppRoles(demo.OtherTenantID, app.ClientID, GraphResource, "User.Read.All")
	f.srv.GrantAppRoles(demo.TenantID, app.ClientID, GraphResource, "Mail.Send")
	if r := roles(); r != nil {
		t.Errorf("roles with foreign grants = %v, want none", r)
	}
	f.srv.GrantAppRoles(demo.TenantID, app.ClientID, GraphResource, "User.Read.All")
	if r, _ := roles().([]any); len(r) != 1 || r[0] != "User.Read.All" {
		t.Errorf("roles after admin consent = %v, want [User.Read.All]", r)
	}
	f.srv.RevokeAppRoles(demo.TenantID, app.ClientID, GraphResource)
	if r := roles(); r != nil {
		t.Errorf("roles after revocation = %v, want none", r)
	}
}

func TestClientCredentialsErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	t.Run("wrong secret via MSAL", func(t *testing.T) {
		c := f.msalWith(t, demo.TenantID, demo.ClientID, "not-the-secret")
		_, err := c.AcquireTokenByCredential(ctx(t), []string{BotFrameworkResource + "/.default"})
		status, body := msalErrBody(t, err)
		checkEntraError(t, status, body, http.StatusUnauthorized, "invalid_client", 7000215)
	})
	cases := []struct {
		name       string
		tenant     string
		form       url.Values
		wantStatus int
		wantError  string
		wantCode   int
	}{
		{"not .default", demo.TenantID, url.Values{"scope": {"https://graph.microsoft.com/User.Read"}}, 400, "invalid_scope", 1002012},
		{"unknown resource", demo.TenantID, url.Values{"scope": {"https://nowhere.example/.default"}}, 400, "invalid_resource", 500011},
		{"missing scope", demo.TenantID, url.Values{}, 400, "invalid_request", 900144},
		{"common tenant", "common", url.Values{"scope": {BotFrameworkResource + "/.default"}}, 400, "invalid_request", 900023},
		{"unknown client", demo.TenantID, url.Values{"client_id": {"99999999-9999-4999-8999-999999999999"}, "scope": {BotFrameworkResource + "/.default"}}, 400, "unauthorized_client", 700016},
		{"no secret", demo.TenantID, url.Values{"client_secret": {""}, "scope": {BotFrameworkResource + "/.default"}}, 401, "invalid_client", 7000218},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{"grant_type": {GrantClientCredentials}, "client_id": {demo.ClientID}, "client_secret": {demo.ClientSecret}}
			maps.Copy(form, tc.form)
			status, body := f.post(t, tc.tenant, form)
			checkEntraError(t, status, body, tc.wantStatus, tc.wantError, tc.wantCode)
		})
	}
}

func TestSecretRotation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := f.srv.AddSecret(demo.ClientID, "new-secret"); err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{demo.ClientSecret, "new-secret"} {
		c := f.msalWith(t, demo.TenantID, demo.ClientID, secret)
		if _, err := c.AcquireTokenByCredential(ctx(t), []string{BotFrameworkResource + "/.default"}); err != nil {
			t.Errorf("secret %d: %v", len(secret), err)
		}
	}
	if err := f.srv.RemoveSecret(demo.ClientID, demo.ClientSecret); err != nil {
		t.Fatal(err)
	}
	c := f.msalWith(t, demo.TenantID, demo.ClientID, demo.ClientSecret)
	_, err := c.AcquireTokenByCredential(ctx(t), []string{BotFrameworkResource + "/.default"})
	status, body := msalErrBody(t, err)
	checkEntraError(t, status, body, http.StatusUnauthorized, "invalid_client", 7000215)
}
