package identity

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	fakegraph "github.com/flowdeck/flowdeck/internal/fakecloud/graph"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// audOf reads a token's aud (the token came from the fake over TLS).
func audOf(t *testing.T, tok string) string {
	t.Helper()
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, c); err != nil {
		t.Fatalf("parse token: %v", err)
	}
	auds, _ := c.GetAudience()
	return strings.Join(auds, ",")
}

// TestEveryTokenCarriesTheRegistryAudience checks, in each of the five
// clouds, that every token FlowDeck obtains — by OBO, by refresh and by
// code redemption on the consent page — carries exactly the registry's
// audience, byte for byte, and that the cloud's (strict) Power Platform and
// Graph fakes accept it over HTTPS.
func TestEveryTokenCarriesTheRegistryAudience(t *testing.T) {
	t.Parallel()
	for _, name := range cloud.Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureIn(t, name)
			f.idp.GrantAllDemoConsent()
			apis := newAPIs(t, f, name)

			check := func(how string, u demo.User, a Audience, tok string) {
				t.Helper()
				if got := audOf(t, tok); got != a.Resource {
					t.Errorf("%s %s %s: aud = %q, want %q", name, how, a.Key, got, a.Resource)
				}
				apis.call(t, how, a.Key, tok)
			}
			ctx := f.sso(t, adele, false)
			for _, a := range f.reg.All() {
				check("OBO", adele, a, f.token(t, ctx, f.broker, adele, a.Key))
			}
			f.clock.Advance(2 * time.Hour)
			for _, a := range f.reg.All() {
				check("refresh", adele, a, f.token(t, t.Context(), f.broker, adele, a.Key))
			}
			start, err := f.consent.StartURL(principal(megan), megan.UPN, nil, "")
			if err != nil {
				t.Fatal(err)
			}
			if pg := f.signIn(t, f.browser(), start, megan, "accept", nil); !strings.Contains(pg.body, `data-result="signed_in"`) {
				t.Fatalf("consent flow: %d %s", pg.status, pg.body)
			}
			for i, a := range f.reg.All() {
				dt, ok := f.stored(t, megan, a.Key)
				if !ok {
					t.Fatalf("%s not stored after the sign-in", a.Key)
				}
				how := "redeemed refresh"
				if i == 0 {
					how = "code redemption"
				}
				check(how, megan, a, dt.AccessToken)
			}
		})
	}
}

// apis are the cloud's Power Platform and Graph fakes, strict about aud.
type apis struct {
	pp    *powerplatform.Server
	graph *fakegraph.Server
}

func newAPIs(t *testing.T, f *fixture, cloudName string) *apis {
	t.Helper()
	a := &apis{}
	pp, err := powerplatform.New(powerplatform.Options{Keyfunc: f.idp.Keyfunc, Cloud: cloudName, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pp.Close)
	g, err := fakegraph.New(fakegraph.Options{Keyfunc: f.idp.Keyfunc, Cloud: cloudName, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	a.pp, a.graph = pp, g
	return a
}

// call sends tok to the API of audience key and expects 200.
func (a *apis) call(t *testing.T, how, key, tok string) {
	t.Helper()
	var u string
	c := a.pp.Client()
	switch key {
	case Flow:
		u = a.pp.FlowURL() + "/providers/Microsoft.ProcessSimple/environments?api-version=2016-11-01"
	case PowerApps:
		u = a.pp.BAPURL() + "/providers/Microsoft.BusinessAppPlatform/environments?api-version=2020-10-01"
	case Graph:
		u, c = a.graph.URL()+"/v1.0/me", a.graph.Client()
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("%s token for %s refused: %d", how, key, resp.StatusCode)
	}
}
