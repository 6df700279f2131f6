package entra

import (
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// TestAudienceIsTheRequestedText checks that aud is everything before the
// scope's last "/", exactly as sent: one slash gives the audience without
// its slash, two give it with, and the resource is found either way.
func TestAudienceIsTheRequestedText(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantAdminConsent(demo.TenantID, demo.ClientID, FlowResource, ".default")
	for _, tc := range []struct{ scope, aud string }{
		{"https://service.flow.microsoft.com//Flows.Read.All", "https://service.flow.microsoft.com/"},
		{"https://service.flow.microsoft.com/Flows.Read.All", "https://service.flow.microsoft.com"},
		{"https://service.flow.microsoft.com//.default", "https://service.flow.microsoft.com/"},
		{"https://service.flow.microsoft.com/.default", "https://service.flow.microsoft.com"},
		{"7df0a125-d3be-4c96-aa54-591f83ff541c/.default", "7df0a125-d3be-4c96-aa54-591f83ff541c"},
	} {
		status, body := f.post(t, demo.TenantID, oboForm(f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2}), tc.scope))
		if status != 200 {
			t.Errorf("%s: %d %v", tc.scope, status, body["error_description"])
			continue
		}
		if aud := f.parseClaims(t, body["access_token"].(string))["aud"]; aud != tc.aud {
			t.Errorf("%s: aud = %q, want %q", tc.scope, aud, tc.aud)
		}
	}
}

// TestDefaultScopeCarriesTheConsentedSubset checks .default as Entra does
// it: the token carries what was consented (no more), explicit scopes need
// every one consented, and nothing consented at all is AADSTS65001.
func TestDefaultScopeCarriesTheConsentedSubset(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sso := func() string { return f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2}) }

	status, body := f.post(t, demo.TenantID, oboForm(sso(), flowDefault))
	checkEntraError(t, status, body, 400, "invalid_grant", 65001)
	if body["suberror"] != "consent_required" {
		t.Errorf("nothing consented: suberror = %v", body["suberror"])
	}

	f.srv.GrantAdminConsent(demo.TenantID, demo.ClientID, FlowResource, "Flows.Read.All")
	status, body = f.post(t, demo.TenantID, oboForm(sso(), flowDefault))
	if status != 200 {
		t.Fatalf("read consented, .default: %d %v", status, body["error_description"])
	}
	if scp := f.parseClaims(t, body["access_token"].(string))["scp"]; scp != "Flows.Read.All" {
		t.Errorf("scp = %q, want only the consented Flows.Read.All", scp)
	}
	if sc, _ := body["scope"].(string); !strings.Contains(sc, FlowResource+"/Flows.Read.All") {
		t.Errorf("scope = %q, want the granted permission in the requested form", sc)
	}
	status, body = f.post(t, demo.TenantID, oboForm(sso(), FlowResource+"/Flows.Read.All "+FlowResource+"/Flows.Manage.All"))
	checkEntraError(t, status, body, 400, "invalid_grant", 65001)

	// Per permission: the user's own consent adds to the tenant's.
	f.srv.GrantConsent(demo.TenantID, adele.ID, demo.ClientID, FlowResource, "Flows.Manage.All")
	if got := f.srv.ConsentedScopes(demo.TenantID, adele.ID, demo.ClientID, FlowResource); !slices.Equal(got, []string{"Flows.Manage.All", "Flows.Read.All"}) {
		t.Errorf("consented = %v", got)
	}
	if got := f.srv.ConsentedScopes(demo.TenantID, megan.ID, demo.ClientID, FlowResource); !slices.Equal(got, []string{"Flows.Read.All"}) {
		t.Errorf("another user's consent = %v", got)
	}
}

// TestCloudResources checks that the fake plays each cloud's audiences: the
// resources are that cloud's, and aud is stamped as requested.
func TestCloudResources(t *testing.T) {
	t.Parallel()
	for _, name := range cloud.Names() {
		cl, _ := cloud.Get(name)
		clock := &testClock{t: time.Now().Truncate(time.Second)}
		srv, err := New(Options{Demo: true, Cloud: name, Now: clock.Now, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		f := &fixture{srv: srv, clock: clock}
		srv.GrantAllDemoConsent()
		for _, res := range []string{cl.FlowAudience, cl.PowerAppsAudience, cl.GraphAudience} {
			if got := srv.ConsentedScopes(demo.TenantID, adele.ID, demo.ClientID, res); len(got) == 0 {
				t.Errorf("%s: no demo consent for %s", name, res)
			}
			status, body := f.post(t, demo.TenantID, oboForm(f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID, Version: 2}), res+"/.default"))
			if status != 200 {
				t.Errorf("%s %s: %d %v", name, res, status, body["error_description"])
				continue
			}
			if aud := f.parseClaims(t, body["access_token"].(string))["aud"]; aud != res {
				t.Errorf("%s: aud = %q, want %q", name, aud, res)
			}
		}
	}
	if _, err := New(Options{Cloud: "mars"}); err == nil {
		t.Error("unknown cloud accepted")
	}
}
