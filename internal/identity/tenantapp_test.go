package identity

import (
	"fmt"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestTenantAppTokens: one source per tenant, made on first use and shared
// by concurrent callers; each token is the tenant's (tid), for the scope's
// resource, and carries the application permissions only where that
// tenant's administrator granted them; the map stays bounded.
func TestTenantAppTokens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.idp.GrantAppRoles(demo.TenantID, demo.ClientID, entra.GraphResource, "TeamsActivity.Send")
	tt, err := NewTenantAppTokens(AppTokenOptions{
		Authority: f.idp.URL(), ClientID: demo.ClientID, Credential: secret(t, demo.ClientSecret), HTTPClient: f.idp.Client(),
		Scope: "https://graph.microsoft.com/.default", APIName: "Microsoft Graph", Logger: f.log, DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		tenant := []string{demo.TenantID, demo.OtherTenantID}[i%2]
		wg.Go(func() {
			if _, err := tt.Token(t.Context(), tenant); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := tt.Len(); n != 2 {
		t.Errorf("%d sources, want 2 (one per tenant)", n)
	}
	for _, c := range []struct {
		tenant string
		roles  bool
	}{{demo.TenantID, true}, {demo.OtherTenantID, false}} {
		tok, err := tt.Token(t.Context(), c.tenant)
		if err != nil {
			t.Fatal(err)
		}
		f.remember(tok)
		claims := jwt.MapClaims{}
		if _, _, err := jwt.NewParser().ParseUnverified(tok, claims); err != nil {
			t.Fatal(err)
		}
		aud, _ := claims.GetAudience()
		roles, _ := claims["roles"].([]any)
		if claims["tid"] != c.tenant || len(aud) != 1 || aud[0] != "https://graph.microsoft.com" || claims["scp"] != nil ||
			(len(roles) == 1 && roles[0] == "TeamsActivity.Send") != c.roles {
			t.Errorf("tenant %s: tid %v aud %v scp %v roles %v", c.tenant, claims["tid"], aud, claims["scp"], claims["roles"])
		}
	}
	if _, err := tt.Token(t.Context(), ""); flowdeck.KindOf(err) != flowdeck.ErrInvalid {
		t.Errorf("no tenant: %v, want invalid", err)
	}
	for i := range maxTenantAppSources + 10 {
		if _, err := tt.source(fmt.Sprintf("00000000-0000-4000-8000-%012d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := tt.Len(); n != maxTenantAppSources {
		t.Errorf("%d sources, want at most %d", n, maxTenantAppSources)
	}
	if _, err := NewTenantAppTokens(AppTokenOptions{Authority: f.idp.URL(), ClientID: demo.ClientID, Credential: secret(t, "s")}); flowdeck.KindOf(err) != flowdeck.ErrMisconfigured {
		t.Errorf("no scope: %v, want misconfigured", err)
	}
}
