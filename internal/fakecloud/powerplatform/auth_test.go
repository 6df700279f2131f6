package powerplatform

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

func TestAuthFailures(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	flows := fx.flowsURL(envDefault) + av
	apps := fx.srv.PowerAppsURL() + powerAppsPrefix + "/apps" + av
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	badSig := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"aud": DefaultFlowAudience, "exp": testNow.Add(time.Hour).Unix()})
		tok.Header["kid"] = "test-kid"
		s, _ := tok.SignedString(other)
		return s
	}()
	tests := []struct {
		name    string
		url     string
		method  string
		token   string
		status  int
		code    string
		message string
	}{
		{"no header", flows, "GET", "", 401, "AuthenticationFailed", "The 'Authorization' header is missing."},
		{"garbage", flows, "GET", "not-a-jwt", 401, "InvalidAuthenticationToken", "The access token is invalid."},
		{"bad signature", flows, "GET", badSig, 401, "InvalidAuthenticationToken", "The access token is invalid."},
		{"expired", flows, "GET", fx.mint(adele(), DefaultFlowAudience, allFlowScopes, func(c jwt.MapClaims) {
			c["exp"] = testNow.Add(-time.Hour).Unix()
		}), 401, "ExpiredAuthenticationToken", "The access token expiry UTC time '2/25/2026 8:00:00 AM' is earlier than current UTC time '2/25/2026 9:00:00 AM'."},
		{"graph audience on flow", flows, "GET", fx.mint(adele(), "https://graph.microsoft.com/", "User.Read", nil), 401, "InvalidAuthenticationAudience",
			"The received access token has been obtained from wrong audience or resource 'https://graph.microsoft.com/'. It should exactly match (including forward slash) with one of the allowed audiences 'https://service.flow.microsoft.com/'."},
		{"ARM audience on flow", flows, "GET", fx.mint(adele(), "https://management.azure.com/", "user_impersonation", nil), 401, "InvalidAuthenticationAudience", "wrong audience or resource 'https://management.azure.com/'"},
		{"flow token on powerapps", apps, "GET", fx.flowToken(adele()), 401, "InvalidAuthenticationAudience",
			"allowed audiences 'https://service.powerapps.com/','https://apps.powerapps.com','https://apps.powerapps.com/'."},
		{"flow audience without its slash", flows, "GET", fx.mint(adele(), "https://service.flow.microsoft.com", allFlowScopes, nil), 401, "InvalidAuthenticationAudience",
			"The received access token has been obtained from wrong audience or resource 'https://service.flow.microsoft.com'. It should exactly match (including forward slash) with one of the allowed audiences 'https://service.flow.microsoft.com/'."},
		{"powerapps token on flow", flows, "GET", fx.paToken(adele()), 401, "InvalidAuthenticationAudience", "'https://service.powerapps.com/'"},
		{"app-only", flows, "GET", fx.mint(adele(), DefaultFlowAudience, "", func(c jwt.MapClaims) { c["roles"] = []string{"Flows.Read.All"} }), 401, "Unauthorized", "The x-ms-client-scope header must not be null or empty."},
		{"wrong issuer", flows, "GET", fx.mint(adele(), DefaultFlowAudience, allFlowScopes, func(c jwt.MapClaims) { c["iss"] = "https://sts.windows.net/other/" }), 401, "InvalidAuthenticationTokenTenant", "wrong issuer"},
		{"read without Flows.Read.All", flows, "GET", fx.mint(adele(), DefaultFlowAudience, "User", nil), 403, "Forbidden", "The caller does not have the required scope 'Flows.Read.All'."},
		{"stop without Flows.Manage.All", fx.flowsURL(envDefault) + "/" + flowOK + "/stop" + av, "POST", fx.mint(adele(), DefaultFlowAudience, "User Flows.Read.All", nil), 403, "Forbidden", "'Flows.Manage.All'"},
		{"cancel without Flows.Manage.All", fx.flowsURL(envDefault) + "/" + flowFail + "/runs/X/cancel" + av, "POST", fx.mint(adele(), DefaultFlowAudience, "User Flows.Read.All", nil), 403, "Forbidden", "'Flows.Manage.All'"},
		{"resubmit without Flows.Manage.All", fx.flowsURL(envDefault) + "/" + flowFail + "/triggers/x/histories/X/resubmit" + av, "POST", fx.mint(adele(), DefaultFlowAudience, "User Flows.Read.All", nil), 403, "Forbidden", "'Flows.Manage.All'"},
		{"respond without Approvals.Manage.All", fx.srv.FlowURL() + flowPrefix + "/environments/" + envDefault + "/approvals/" + apBasic + "/approvalResponses" + av, "POST",
			fx.mint(adele(), DefaultFlowAudience, "User Flows.Read.All Approvals.Read.All", nil), 403, "Forbidden", "'Approvals.Manage.All'"},
		{"other tenant on Contoso environment", flows, "GET", fx.flowToken(fabrik()), 403, "EnvironmentAccessDenied", "Access to the environment '" + envDefault + "' is denied."},
		{"Contoso user on Fabrikam environment", fx.flowsURL(envFab) + av, "GET", fx.flowToken(adele()), 403, "EnvironmentAccessDenied", envFab},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := fx.with(t)
			var body any
			if tt.method == "POST" {
				body = map[string]any{"properties": map[string]any{"response": "Approve"}}
			}
			m := fx.expect(tt.method, tt.url, tt.token, body, tt.status)
			wantError(t, m, tt.code, tt.message)
		})
	}
	t.Run("WWW-Authenticate on missing header", func(t *testing.T) {
		fx := fx.with(t)
		resp, _ := fx.do("GET", flows, "", nil)
		if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("WWW-Authenticate = %q, want Bearer …", resp.Header.Get("WWW-Authenticate"))
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("Content-Type = %q", ct)
		}
	})
}

// TestAudienceForms checks the exact comparison of every API, in every
// cloud: the cloud's audience with its slash is accepted, without it (or
// another cloud's) is refused with InvalidAuthenticationAudience.
func TestAudienceForms(t *testing.T) {
	for _, name := range cloud.Names() {
		cl, _ := cloud.Get(name)
		t.Run(name, func(t *testing.T) {
			fx := newFixture(t, Options{Tenant: testTenant(testNow), Cloud: name})
			flows := fx.flowsURL(envDefault) + av
			apps := fx.srv.PowerAppsURL() + powerAppsPrefix + "/apps" + av
			envs := fx.srv.BAPURL() + bapPrefix + "/environments?api-version=2020-10-01"
			fx.get(flows, fx.mint(adele(), cl.FlowAudience, allFlowScopes, nil), http.StatusOK)
			fx.get(apps, fx.mint(adele(), cl.PowerAppsAudience, "User", nil), http.StatusOK)
			fx.get(envs, fx.mint(adele(), cl.PowerAppsAudience, "User", nil), http.StatusOK)
			refused := []struct{ url, aud string }{
				{flows, strings.TrimSuffix(cl.FlowAudience, "/")},
				{flows, cl.FlowAudience + "/"},
				{flows, strings.ToUpper(cl.FlowAudience)},
				{apps, strings.TrimSuffix(cl.PowerAppsAudience, "/")},
				{envs, strings.TrimSuffix(cl.PowerAppsAudience, "/")},
				{envs, "https://apps.powerapps.com/"},
			}
			if name != cloud.Public {
				refused = append(refused, struct{ url, aud string }{flows, DefaultFlowAudience}, struct{ url, aud string }{apps, DefaultPowerAppsAudience})
			}
			for _, r := range refused {
				m := fx.expect("GET", r.url, fx.mint(adele(), r.aud, allFlowScopes+" User", nil), nil, http.StatusUnauthorized)
				wantError(t, m, "InvalidAuthenticationAudience", "wrong audience or resource '"+r.aud+"'")
			}
		})
	}
	// Power Apps (not BAP) also accepts apps.powerapps.com, with or without the slash.
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	for _, aud := range []string{"https://apps.powerapps.com", "https://apps.powerapps.com/"} {
		fx.get(fx.srv.PowerAppsURL()+powerAppsPrefix+"/apps"+av, fx.mint(adele(), aud, "User", nil), http.StatusOK)
	}
	// v2 issuer is accepted too.
	tok := fx.mint(adele(), DefaultFlowAudience, allFlowScopes, func(c jwt.MapClaims) {
		c["iss"] = "https://login.microsoftonline.com/" + adele().TenantID + "/v2.0"
	})
	fx.get(fx.flowsURL(envDefault)+av, tok, http.StatusOK)
	if _, err := New(Options{Cloud: "mars"}); err == nil {
		t.Error("unknown cloud accepted")
	}
}

func TestTenantIsolation(t *testing.T) {
	fx := newFixture(t, Options{})
	envs := values(fx.get(fx.srv.FlowURL()+flowPrefix+"/environments"+av, fx.flowToken(fabrik()), 200))
	if len(envs) != 1 || envs[0]["name"] != envFab {
		t.Fatalf("Fabrikam sees environments %v, want only %s", envs, envFab)
	}
	flows := values(fx.get(fx.flowsURL("~default")+av, fx.flowToken(fabrik()), 200))
	if len(flows) == 0 {
		t.Fatal("Fabrikam has no flows of its own")
	}
	for _, f := range flows {
		if !strings.Contains(f["id"].(string), envFab) {
			t.Errorf("Fabrikam sees flow %v", f["id"])
		}
	}
	// Approvals and connections of Contoso stay hidden.
	fx.expect("GET", fx.srv.FlowURL()+flowPrefix+"/environments/"+envDefault+"/approvalViews"+av, fx.flowToken(fabrik()), nil, 403)
	conns := values(fx.get(fx.srv.PowerAppsURL()+powerAppsPrefix+"/connections"+av, fx.paToken(fabrik()), 200))
	for _, c := range conns {
		if env := props(c)["environment"].(map[string]any)["name"]; env != envFab {
			t.Errorf("Fabrikam sees connection in %v", env)
		}
	}
	fx.expect("GET", fx.srv.BAPURL()+bapPrefix+"/environments/"+envDefault+"?api-version=2020-10-01", fx.paToken(fabrik()), nil, 403)
}
