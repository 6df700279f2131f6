package systemtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// TestBrowserAdminOnlyTenant: in a tenant where only an administrator may
// consent (Entra answers AADSTS90094), the tab's problem view offers no
// Grant access button (Entra would refuse the user's own consent) but the
// tenant's admin-consent link and the sentence to forward with it, as the
// cards do; axe finds nothing serious in any theme.
func TestBrowserAdminOnlyTenant(t *testing.T) {
	f := newBrowserFixture(t, nil)
	app := entra.DemoApp()
	for _, rr := range app.Required {
		if rr.Resource != entra.FlowResource && len(rr.Scopes) > 0 {
			f.entra.GrantConsent(demo.TenantID, f.user.ID, app.ClientID, rr.Resource, rr.Scopes...)
		}
	}
	f.entra.RequireAdminConsent(demo.TenantID, true)
	adminLink := f.entra.URL() + "/" + demo.TenantID + "/v2.0/adminconsent?client_id=" + demo.ClientID
	shown := waitTab(`return !!d.querySelector("pre.forward");`)
	var got struct {
		Sentence, Link string
		Buttons        []string
	}
	f.run(t, "open the dashboard in an admin-only tenant", f.open(""), shown,
		evalTab(`return {Sentence: d.querySelector("pre.forward").textContent,
Link: [...d.querySelectorAll("a")].find(a => a.textContent === "open the admin-consent page")?.href ?? "",
Buttons: [...d.querySelectorAll('[role="alert"] button')].map(b => b.textContent.trim())};`, &got))
	if want := "Please grant FlowDeck these permissions for our organization: "; !strings.HasPrefix(got.Sentence, want) ||
		!strings.Contains(got.Sentence, "(Power Automate). Link: "+adminLink) {
		t.Errorf("the sentence to forward = %q", got.Sentence)
	}
	if !strings.HasPrefix(got.Link, adminLink) {
		t.Errorf("admin-consent link = %q, want %s…", got.Link, adminLink)
	}
	if strings.Join(got.Buttons, ",") != "Try again" {
		t.Errorf("the problem view's buttons = %q, want only Try again (the user cannot consent here)", got.Buttons)
	}

	src := webModule(t, "axe-core/axe.min.js")
	for _, theme := range []string{"default", "dark", "contrast"} {
		var vs []axeViolation
		f.run(t, "axe in "+theme, f.open("?theme="+theme), shown, axe(src, &vs))
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s", fmt.Sprintf("%s %s (%s): %s\n\t%s", theme, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t")))
			}
		}
	}
	var wide struct{ Page, Window float64 }
	f.run(t, "360 px", emulation.SetDeviceMetricsOverride(360, 740, 1, true), waitTab(`return w.innerWidth === 360;`),
		evalTab(`return {Page: d.documentElement.scrollWidth, Window: w.innerWidth};`, &wide))
	if wide.Page > wide.Window {
		t.Errorf("at 360 px the page is %v px wide", wide.Page)
	}
}
