package main

import (
	"regexp"
	"slices"
	"testing"
)

var guidText = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)

// TestBrowserFlowOwnersByName: the flows grid has an Owner column that names
// owners by display name (read through Graph with User.ReadBasic.All), never
// by a bare object id.
func TestBrowserFlowOwnersByName(t *testing.T) {
	f := newBrowserFixture(t, nil)
	f.entra.GrantAllDemoConsent()
	var owners []string
	f.run(t, "the flows grid", f.open(""), dashboardLoaded,
		evalTab(`w.location.hash = "#/flows?limit=200"; return true;`, nil),
		waitTab(`return d.querySelectorAll('[data-testid="flow-owner"]').length > 0;`),
		evalTab(`return [...d.querySelectorAll('[data-testid="flow-owner"]')].map(c => c.textContent);`, &owners))
	if !slices.Contains(owners, f.user.Name) {
		t.Errorf("the Owner column does not name %s: %q", f.user.Name, owners)
	}
	for _, o := range owners {
		if o == "" || guidText.MatchString(o) {
			t.Errorf("an owner shown as %q", o)
		}
	}
}
