package botframework_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// tenantVerifier accepts the demo tenant and the public cloud's service
// tenants, with the fake Entra ID's keys, as FlowDeck wires it.
func (v *env) tenantVerifier(t *testing.T, o botframework.VerifierOptions) *botframework.ChannelVerifier {
	t.Helper()
	pub, _ := cloud.Get(cloud.Public)
	o.TenantID = demo.TenantID
	if o.ServiceTenants == nil {
		o.ServiceTenants = pub.BotServiceTenants
	}
	o.TenantMetadataURL = v.entra.URL() + "/" + demo.TenantID + "/v2.0/.well-known/openid-configuration"
	return v.verifier(t, o)
}

// tenantClaims are the claims of a tenant-issued channel token for the demo
// bot: iss in the v1 or v2 form of tid, and tid.
func (v *env) tenantClaims(iss, tid, serviceURL string) jwt.MapClaims {
	now := v.clock.Now()
	c := jwt.MapClaims{"iss": iss, "aud": demo.ClientID, "tid": tid, "appid": "abc-bot-service",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	if serviceURL != "" {
		c["serviceurl"] = serviceURL
	}
	return c
}

func v1(tid string) string { return "https://sts.windows.net/" + tid + "/" }
func v2(tid string) string { return "https://login.microsoftonline.com/" + tid + "/v2.0" }

// Every tenant issuer form the Agents SDK accepts by default is accepted:
// the bot's tenant and each Microsoft service tenant, v1 and v2, with and
// without a serviceurl claim, signed with the Entra keys.
func TestVerifyTenantIssuerForms(t *testing.T) {
	v := newEnv(t)
	cv := v.tenantVerifier(t, botframework.VerifierOptions{})
	a := activityFor(v.bf.ServiceURL())
	tenants := []string{demo.TenantID, cloud.TenantBotFramework, cloud.TenantMicrosoftServices, cloud.TenantCopilot}
	for _, tid := range tenants {
		for _, iss := range []string{v1(tid), v2(tid)} {
			for _, su := range []string{"", a.ServiceURL} {
				tok, err := v.entra.Sign(v.tenantClaims(iss, tid, su))
				if err != nil {
					t.Fatal(err)
				}
				c, err := cv.Verify(t.Context(), "Bearer "+tok, a)
				if err != nil {
					t.Errorf("%s (serviceurl %q): %v", iss, su, err)
					continue
				}
				if c.Issuer != iss || c.TenantID != tid || c.AppID != demo.ClientID || len(c.Endorsements) != 0 {
					t.Errorf("%s: claims %+v", iss, c)
				}
			}
		}
	}
	// The Bot Framework issuer still works beside them.
	tok, err := v.bf.ChannelToken(demo.ClientID, a.ServiceURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cv.Verify(t.Context(), "Bearer "+tok, a); err != nil {
		t.Errorf("Bot Framework token: %v", err)
	}
}

// The cross-over forgeries: each issuer only with its own keys, its own
// tenant, its own audience and its own cloud.
func TestVerifyTenantIssuerForgeries(t *testing.T) {
	v := newEnv(t)
	cv := v.tenantVerifier(t, botframework.VerifierOptions{})
	su := v.bf.ServiceURL()
	entraSigned := func(c jwt.MapClaims) string {
		tok, err := v.entra.Sign(c)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	bfSigned := func(c jwt.MapClaims) string { return v.bearer(t, connector.KeyCurrent, jwt.SigningMethodRS256, c) }
	edit := func(c jwt.MapClaims, f func(jwt.MapClaims)) jwt.MapClaims { f(c); return c }
	tc := func(iss, tid string) jwt.MapClaims { return v.tenantClaims(iss, tid, su) }
	bfClaims := func() jwt.MapClaims { return v.bf.ChannelClaims(demo.ClientID, su) }

	tests := []struct {
		name string
		auth string
		want error
	}{
		{"tenant issuer signed with Bot Framework keys", bfSigned(tc(v1(demo.TenantID), demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"service tenant issuer signed with Bot Framework keys", bfSigned(tc(v2(cloud.TenantCopilot), cloud.TenantCopilot)), flowdeck.ErrUnauthenticated},
		{"Bot Framework issuer signed with Entra keys", entraSigned(bfClaims()), flowdeck.ErrUnauthenticated},
		{"another tenant's v1 issuer", entraSigned(tc(v1(demo.OtherTenantID), demo.OtherTenantID)), flowdeck.ErrUnauthenticated},
		{"another tenant's v2 issuer", entraSigned(tc(v2(demo.OtherTenantID), demo.OtherTenantID)), flowdeck.ErrUnauthenticated},
		{"issuer's tenant differs from tid", entraSigned(tc(v1(demo.TenantID), demo.OtherTenantID)), flowdeck.ErrUnauthenticated},
		{"service tenant issuer with the bot's tid", entraSigned(tc(v2(cloud.TenantBotFramework), demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"tenant issuer without tid", entraSigned(edit(tc(v1(demo.TenantID), ""), func(c jwt.MapClaims) { delete(c, "tid") })), flowdeck.ErrUnauthenticated},
		{"look-alike v1 host", entraSigned(tc("https://sts.windows.net.evil.example/"+demo.TenantID+"/", demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"look-alike v2 host", entraSigned(tc("https://login.microsoftonline.com.evil.example/"+demo.TenantID+"/v2.0", demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"v1 issuer without the trailing slash", entraSigned(tc(strings.TrimSuffix(v1(demo.TenantID), "/"), demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"v2 issuer with a trailing slash", entraSigned(tc(v2(demo.TenantID)+"/", demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"v2 issuer without /v2.0", entraSigned(tc("https://login.microsoftonline.com/"+demo.TenantID, demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"issuer with an extra path segment", entraSigned(tc("https://sts.windows.net/x/"+demo.TenantID+"/", demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"http issuer", entraSigned(tc("http://sts.windows.net/"+demo.TenantID+"/", demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"upper-case tenant in the issuer", entraSigned(tc(v1(strings.ToUpper(demo.TenantID)), demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"the common meta-tenant", entraSigned(tc(v2("common"), "common")), flowdeck.ErrUnauthenticated},
		{"government v2 issuer at a public bot", entraSigned(tc("https://login.microsoftonline.us/"+demo.TenantID+"/v2.0", demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"government service tenant at a public bot", entraSigned(tc(v1(cloud.TenantGovServices), cloud.TenantGovServices)), flowdeck.ErrUnauthenticated},
		{"government Bot Framework issuer at a public bot", bfSigned(edit(bfClaims(), func(c jwt.MapClaims) { c["iss"] = "https://api.botframework.us" })), flowdeck.ErrUnauthenticated},
		{"China Bot Framework issuer at a public bot", bfSigned(edit(bfClaims(), func(c jwt.MapClaims) { c["iss"] = "https://api.botframework.azure.cn" })), flowdeck.ErrUnauthenticated},
		{"tenant token for the Bot Framework audience", entraSigned(edit(tc(v1(demo.TenantID), demo.TenantID), func(c jwt.MapClaims) { c["aud"] = "https://api.botframework.com" })), flowdeck.ErrUnauthenticated},
		{"tenant token for another bot", entraSigned(edit(tc(v2(demo.TenantID), demo.TenantID), func(c jwt.MapClaims) { c["aud"] = "0b7e2a4c-1111-4222-8333-444455556666" })), flowdeck.ErrUnauthenticated},
		{"tenant token for the app id URI", entraSigned(edit(tc(v1(demo.TenantID), demo.TenantID), func(c jwt.MapClaims) { c["aud"] = "api://" + demo.ClientID })), flowdeck.ErrUnauthenticated},
		{"service tenant token for another bot", entraSigned(edit(tc(v1(cloud.TenantCopilot), cloud.TenantCopilot), func(c jwt.MapClaims) { c["aud"] = "0b7e2a4c-1111-4222-8333-444455556666" })), flowdeck.ErrUnauthenticated},
		{"tenant token with another serviceurl", entraSigned(tc(v1(demo.TenantID), demo.TenantID)), flowdeck.ErrUnauthenticated},
		{"expired tenant token", entraSigned(edit(tc(v2(demo.TenantID), demo.TenantID), func(c jwt.MapClaims) { c["exp"] = v.clock.Now().Add(-6 * time.Minute).Unix() })), flowdeck.ErrUnauthenticated},
		{"tenant token without exp", entraSigned(edit(tc(v2(demo.TenantID), demo.TenantID), func(c jwt.MapClaims) { delete(c, "exp") })), flowdeck.ErrUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := activityFor(su)
			if tt.name == "tenant token with another serviceurl" {
				a.ServiceURL = strings.Replace(su, "/teams/", "/other/", 1)
			}
			_, err := cv.Verify(t.Context(), tt.auth, a)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

// A government bot accepts its own cloud's issuers only: a public-cloud
// token, Bot Framework or tenant v2, is refused.
func TestVerifyGovernmentCloud(t *testing.T) {
	v := newEnv(t)
	high, _ := cloud.Get(cloud.GCCHigh)
	cv := v.tenantVerifier(t, botframework.VerifierOptions{ChannelIssuer: high.BotChannelIssuer,
		EntraV1Issuer: high.EntraV1Issuer, EntraV2Issuer: high.EntraV2Issuer, ServiceTenants: high.BotServiceTenants})
	a := activityFor(v.bf.ServiceURL())
	sign := func(tok string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + tok
	}
	govBF := v.bf.ChannelClaims(demo.ClientID, a.ServiceURL)
	govBF["iss"] = high.BotChannelIssuer
	accepted := map[string]string{
		"government Bot Framework issuer":      sign(v.bf.Sign(govBF)),
		"tenant v2 (login.microsoftonline.us)": sign(v.entra.Sign(v.tenantClaims(high.EntraV2Issuer+demo.TenantID+"/v2.0", demo.TenantID, ""))),
		"tenant v1 (sts.windows.net)":          sign(v.entra.Sign(v.tenantClaims(v1(demo.TenantID), demo.TenantID, ""))),
		"gov service tenant":                   sign(v.entra.Sign(v.tenantClaims(high.EntraV2Issuer+cloud.TenantGovServices+"/v2.0", cloud.TenantGovServices, ""))),
	}
	for name, h := range accepted {
		if _, err := cv.Verify(t.Context(), h, a); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	refused := map[string]string{
		"public Bot Framework issuer":      sign(v.bf.ChannelToken(demo.ClientID, a.ServiceURL)),
		"public tenant v2 issuer":          sign(v.entra.Sign(v.tenantClaims(v2(demo.TenantID), demo.TenantID, ""))),
		"public service tenant (Copilot)":  sign(v.entra.Sign(v.tenantClaims(v1(cloud.TenantCopilot), cloud.TenantCopilot, ""))),
		"gov issuer signed with Entra key": sign(v.entra.Sign(govBF)),
	}
	for name, h := range refused {
		if _, err := cv.Verify(t.Context(), h, a); !errors.Is(err, flowdeck.ErrUnauthenticated) {
			t.Errorf("%s: Verify = %v, want ErrUnauthenticated", name, err)
		}
	}
}

// With serviceUrl hosts configured, an activity naming any other host is
// refused (403) whatever its token, and one on an accepted host passes.
func TestVerifyServiceURLHosts(t *testing.T) {
	v := newEnv(t)
	cv := v.tenantVerifier(t, botframework.VerifierOptions{ServiceURLHosts: []string{"127.0.0.1"}})
	a := activityFor(v.bf.ServiceURL())
	tok, err := v.bf.ChannelToken(demo.ClientID, a.ServiceURL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cv.Verify(t.Context(), "Bearer "+tok, a); err != nil {
		t.Fatalf("accepted host: %v", err)
	}
	other := v.tenantVerifier(t, botframework.VerifierOptions{ServiceURLHosts: []string{"smba.trafficmanager.net"}})
	if _, err := other.Verify(t.Context(), "Bearer "+tok, a); !errors.Is(err, flowdeck.ErrForbidden) {
		t.Errorf("Bot Framework token, other host: Verify = %v, want ErrForbidden", err)
	}
	evil := activityFor("https://evil.example/teams/")
	tt, err := v.entra.Sign(v.tenantClaims(v1(demo.TenantID), demo.TenantID, ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cv.Verify(t.Context(), "Bearer "+tt, evil); !errors.Is(err, flowdeck.ErrForbidden) {
		t.Errorf("tenant token without serviceurl, evil host: Verify = %v, want ErrForbidden", err)
	}
}
