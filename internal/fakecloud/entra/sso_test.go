package entra

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func TestMintSSOToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name string
		req  SSORequest
		want map[string]any
		none []string
	}{
		{"v1 default", SSORequest{TenantID: demo.TenantID, UserID: adele.ID}, map[string]any{
			"iss": "https://sts.windows.net/" + demo.TenantID + "/", "aud": demo.AppIDURI, "ver": "1.0",
			"appid": demo.TeamsWebClientID, "upn": adele.UPN, "scp": "access_as_user", "tid": demo.TenantID, "oid": adele.ID,
		}, []string{"azp", "preferred_username"}},
		{"v2", SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2, ClientAppID: demo.TeamsDesktopClientID}, map[string]any{
			"iss": "https://login.microsoftonline.com/" + demo.TenantID + "/v2.0", "aud": demo.ClientID, "ver": "2.0",
			"azp": demo.TeamsDesktopClientID, "preferred_username": adele.UPN, "scp": "access_as_user",
		}, []string{"appid", "upn"}},
		{"overrides", SSORequest{TenantID: demo.OtherTenantID, UserID: fabUsr.ID, Version: 2, Audience: "api://x", Scopes: []string{"a", "b"}}, map[string]any{
			"aud": "api://x", "scp": "a b", "tid": demo.OtherTenantID,
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := f.parseClaims(t, f.sso(t, tc.req))
			for k, v := range tc.want {
				if c[k] != v {
					t.Errorf("%s = %v, want %v", k, c[k], v)
				}
			}
			for _, k := range tc.none {
				if _, ok := c[k]; ok {
					t.Errorf("claim %s present, want absent", k)
				}
			}
		})
	}
	t.Run("times", func(t *testing.T) {
		iat := f.clock.Now().Add(-time.Minute)
		tok := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, IssuedAt: iat, Lifetime: 10 * time.Minute})
		c := f.parseClaims(t, tok)
		if c["iat"] != float64(iat.Unix()) || c["nbf"] != float64(iat.Unix()) || c["exp"] != float64(iat.Add(10*time.Minute).Unix()) {
			t.Errorf("iat/nbf/exp = %v/%v/%v", c["iat"], c["nbf"], c["exp"])
		}
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := f.srv.MintSSOToken(SSORequest{TenantID: demo.TenantID, UserID: "nobody"}); err == nil {
			t.Error("unknown user: no error")
		}
		if _, err := f.srv.MintSSOToken(SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 3}); err == nil {
			t.Error("version 3: no error")
		}
	})
}

func TestSignForgedVariation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok, err := f.srv.Sign(jwt.MapClaims{"tid": demo.TenantID, "custom": "x"})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := jwt.Parse(tok, f.srv.Keyfunc)
	if err != nil {
		t.Fatal(err)
	}
	if parsed.Header["kid"] != f.srv.KeyIDs()[0] || parsed.Header["alg"] != "RS256" {
		t.Errorf("header = %v", parsed.Header)
	}
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"tid": demo.TenantID})
	hs.Header["kid"] = f.srv.KeyIDs()[0]
	s, _ := hs.SignedString([]byte("k"))
	if _, err := jwt.Parse(s, f.srv.Keyfunc); err == nil {
		t.Error("Keyfunc accepted an HS256 token")
	}
}

func TestMintAccessToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok, err := f.srv.MintAccessToken(demo.TenantID, adele.ID, "", FlowResource, "Flows.Read.All")
	if err != nil {
		t.Fatal(err)
	}
	c := f.parseClaims(t, tok)
	if c["aud"] != FlowResource || c["scp"] != "Flows.Read.All" || c["appid"] != demo.ClientID || c["iss"] != "https://sts.windows.net/"+demo.TenantID+"/" {
		t.Errorf("aud/scp/appid/iss = %v/%v/%v/%v", c["aud"], c["scp"], c["appid"], c["iss"])
	}
	// The resource is found without its slash, but aud keeps the text as given.
	tok, err = f.srv.MintAccessToken(demo.TenantID, adele.ID, "", "https://service.flow.microsoft.com", "Flows.Read.All")
	if err != nil {
		t.Fatal(err)
	}
	if aud := f.parseClaims(t, tok)["aud"]; aud != "https://service.flow.microsoft.com" {
		t.Errorf("aud = %v, want the resource exactly as given", aud)
	}
	if _, err := f.srv.MintAccessToken(demo.TenantID, adele.ID, "", "https://nowhere.example/"); err == nil {
		t.Error("unknown resource: no error")
	}
}
