package connector_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/identity"
)

// As Azure Government, the fake signs channel tokens as
// https://api.botframework.us, issues tenant tokens with the government v2
// issuer and Entra's keys, and accepts only a bot token for
// https://api.botframework.us: a public-cloud bot token gets 401.
func TestConnectorPlaysGovernmentCloud(t *testing.T) {
	ca, err := fakeca.New()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	e, err := entra.New(entra.Options{Demo: true, CA: ca, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	if err := e.AddResource(entra.Resource{ID: "https://api.botframework.us", AppID: "5f2e0b9c-4c1e-4d53-9b8a-2d6f0b1e7a10", Name: "Bot Framework (Azure Government)"}); err != nil {
		t.Fatal(err)
	}
	bf, err := connector.New(connector.Options{CA: ca, Keyfunc: e.Keyfunc, Logger: log, Cloud: connector.CloudOptions{
		ChannelIssuer: "https://api.botframework.us", BotAudience: "https://api.botframework.us",
		EntraV2Issuer: "https://login.microsoftonline.us/", EntraSign: e.Sign}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bf.Close() })

	claims := func(tok string) jwt.MapClaims {
		c := jwt.MapClaims{}
		if _, _, err := jwt.NewParser().ParseUnverified(tok, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	for f, want := range map[connector.TokenForm]string{
		connector.FormBotFramework: "https://api.botframework.us",
		connector.FormTenantV1:     "https://sts.windows.net/" + demo.TenantID + "/",
		connector.FormTenantV2:     "https://login.microsoftonline.us/" + demo.TenantID + "/v2.0",
	} {
		tok, err := bf.ChannelTokenAs(f, demo.ClientID, bf.ServiceURL())
		if err != nil {
			t.Fatal(err)
		}
		c := claims(tok)
		if f != connector.FormBotFramework {
			// Tenant-issued tokens carry the Entra keys' signature.
			if _, err := jwt.Parse(tok, e.Keyfunc); err != nil {
				t.Errorf("form %d: not signed by Entra: %v", f, err)
			}
		}
		if c["iss"] != want || c["aud"] != demo.ClientID {
			t.Errorf("form %d: iss %v aud %v, want %s", f, c["iss"], c["aud"], want)
		}
		if f != connector.FormBotFramework && c["tid"] != demo.TenantID {
			t.Errorf("form %d: tid %v", f, c["tid"])
		}
	}

	status := func(scope string) int {
		cred, err := identity.NewSecretCredential(demo.ClientSecret)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := identity.NewAppTokenSource(identity.AppTokenOptions{Authority: e.URL(), TenantID: demo.TenantID,
			ClientID: demo.ClientID, Credential: cred, HTTPClient: e.Client(), Scope: scope, DisableInstanceDiscovery: true})
		if err != nil {
			t.Fatal(err)
		}
		tok, err := ts.Token(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, bf.URL()+"/teams/v3/conversations",
			strings.NewReader(`{"bot":{"id":"28:`+demo.ClientID+`"},"members":[{"id":"`+demo.Users()[0].ID+`"}],"tenantId":"`+demo.TenantID+`"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := ca.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("https://api.botframework.com/.default"); got != http.StatusUnauthorized {
		t.Errorf("public-cloud bot token at the government connector: %d, want 401", got)
	}
	if got := status("https://api.botframework.us/.default"); got/100 != 2 {
		t.Errorf("government bot token: %d, want 2xx", got)
	}
}
