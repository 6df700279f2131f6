package systemtest

import (
	"regexp"
	"slices"
	"strings"
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

// TestBrowserFlowPageNamesTheOwner: a flow's page names its owner and links
// the flow in the configured cloud's portal.
func TestBrowserFlowPageNamesTheOwner(t *testing.T) {
	f := newBrowserFixture(t, nil)
	f.entra.GrantAllDemoConsent()
	env, flow := f.openFailingFlow(t)
	var got struct{ Owner, Link string }
	f.run(t, "the flow's owner", waitTab(`return !!d.querySelector('[data-testid="flow-page-owner"]');`),
		evalTab(`const a = [...d.querySelectorAll("a")].find(a => a.textContent === "Open in Power Automate");
return {Owner: d.querySelector('[data-testid="flow-page-owner"]').textContent, Link: a ? a.href : ""};`, &got))
	if !strings.HasPrefix(got.Owner, "Owner: ") || guidText.MatchString(got.Owner) || strings.Contains(got.Owner, "someone") {
		t.Errorf("owner line %q: want a name", got.Owner)
	}
	if want := "https://make.powerautomate.com/environments/" + env + "/flows/" + flow + "/details"; !strings.EqualFold(got.Link, want) {
		t.Errorf("portal link %q, want %q", got.Link, want)
	}
}
