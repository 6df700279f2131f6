package powerplatform

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRevokeTokens: after RevokeTokens, a token issued before it gets the 401
// envelope with the invalid_token challenge; another user's token and a token
// issued after the revocation's second still work.
func TestRevokeTokens(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	flows := fx.flowsURL(envDefault) + av
	old, other := fx.flowToken(adele()), fx.flowToken(megan())
	fx.get(flows, old, http.StatusOK)

	fx.srv.RevokeTokens(adele().TenantID, strings.ToUpper(adele().ID))
	resp, body := fx.do("GET", flows, old, nil)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), `"code":"InvalidAuthenticationToken"`) ||
		!strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("revoked token: %d %s %q", resp.StatusCode, body, resp.Header.Get("WWW-Authenticate"))
	}
	fx.get(flows, other, http.StatusOK)
	// Issued in the revocation's second: still refused (iat has one-second resolution).
	if resp, _ := fx.do("GET", flows, fx.mint(adele(), DefaultFlowAudience, allFlowScopes, nil), nil); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("a token issued in the revocation's second: %d, want 401", resp.StatusCode)
	}
	fx.clock.Advance(2 * time.Minute) // mint stamps iat a minute back
	fx.get(flows, fx.flowToken(adele()), http.StatusOK)
	fx.srv.ClearRevocations()
	fx.get(flows, old, http.StatusOK)
}
