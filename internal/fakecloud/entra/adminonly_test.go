package entra

import (
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// TestRequireAdminConsent: while the tenant lets users consent to nothing,
// a token request for a permission nobody consented to is AADSTS90094
// naming the tenant; admin consent lets it through; cleared, it is 65001
// again.
func TestRequireAdminConsent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sso := func() string { return f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2}) }
	f.srv.RequireAdminConsent(demo.TenantID, true)

	status, body := f.post(t, demo.TenantID, oboForm(sso(), flowDefault))
	checkEntraError(t, status, body, 400, "invalid_grant", 90094)
	if d, _ := body["error_description"].(string); !strings.Contains(d, "has set a policy that prevents you from granting") {
		t.Errorf("error_description = %q", d)
	}

	f.srv.GrantAdminConsent(demo.TenantID, demo.ClientID, FlowResource, ".default")
	if status, body := f.post(t, demo.TenantID, oboForm(sso(), flowDefault)); status != 200 {
		t.Errorf("after admin consent: %d %v", status, body["error_description"])
	}

	f.srv.RevokeAdminConsent(demo.TenantID, demo.ClientID, FlowResource)
	f.srv.RequireAdminConsent(demo.TenantID, false)
	status, body = f.post(t, demo.TenantID, oboForm(sso(), flowDefault))
	checkEntraError(t, status, body, 400, "invalid_grant", 65001)
}
