package systemtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// The tab's data views: empty states that say why and what to do, the
// Refresh button with the data's age, and the 7-day dashboard's links.

// quietTenant is the demo tenant with no failure in the last 24 hours (older
// ones stay; flows suspended for always failing are turned off instead, as
// the flows grid counts them failing), no approvals, no connections and no apps.
func quietTenant(now time.Time) *powerplatform.Tenant {
	tenant := powerplatform.Demo(now)
	for _, fl := range tenant.Flows {
		if fl.SuspensionReason == powerplatform.SuspensionAlwaysFailingDetected {
			fl.State, fl.SuspensionReason, fl.SuspensionTime = powerplatform.StateStopped, powerplatform.SuspensionNone, time.Time{}
		}
		for _, r := range fl.Runs {
			if r.Status == powerplatform.RunFailed && r.StartTime.After(now.Add(-25*time.Hour)) {
				r.Status, r.Failure = powerplatform.RunSucceeded, nil
			}
		}
	}
	tenant.Approvals, tenant.Connections, tenant.Apps = nil, nil, nil
	return tenant
}

// goTab moves the tab to hash and waits for ready.
func goTab(hash, ready string) chromedp.Action {
	return chromedp.Tasks{evalTab(fmt.Sprintf(`w.location.hash = %q; return true;`, hash), nil), waitTab(ready)}
}

// emptyShows is a condition: the empty state (data-testid id) holds text.
func emptyShows(id, text string) string {
	return fmt.Sprintf(`const e = d.querySelector('[data-testid=%q]'); return !!e && e.textContent.includes(%q);`, id, text)
}

// rowsOf is a condition: the table labelled label has at least one row.
func rowsOf(label string) string {
	return fmt.Sprintf(`return d.querySelectorAll('table[aria-label=%q] tbody tr').length > 0;`, label)
}

// settled is a condition: no spinner is left on the page.
const settled = `return !d.querySelector('[role="progressbar"], .fui-Spinner');`

func TestBrowserEmptyStates(t *testing.T) {
	tenant := quietTenant(time.Now())
	var like *powerplatform.Flow
	for _, fl := range tenant.Flows {
		if fl.OwnerID == demo.Users()[0].ID && fl.State == powerplatform.StateStarted {
			like = fl
			break
		}
	}
	if like == nil {
		t.Fatal("the demo user owns no started flow")
	}
	fresh := addFlow(tenant, like, "Brand new flow") // on, and never run
	fresh.Runs = nil
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()

	t.Run("dashboard", func(t *testing.T) {
		f.run(t, "open the dashboard", f.open(""), dashboardLoaded,
			waitTab(emptyShows("empty-failures", "No flow failed in the last 24 hours")),
			waitTab(emptyShows("empty-approvals", "You have no pending approvals")),
			waitTab(emptyShows("empty-broken", "All connections work")))
		f.run(t, "follow the link to 7 days", clickText("a", "Look at the last 7 days"),
			waitTab(`return w.location.hash === "#/?window=7d" && !!d.querySelector('[data-testid="failing"] li') &&
d.querySelector('[data-testid="summary"]').dataset.live === "done";`))
		var failing float64
		f.run(t, "read the 7-day summary", evalTab(summaryValue("failing flows"), &failing))
		if failing < 1 {
			t.Fatalf("the 7-day dashboard shows %v failing flows; the quiet tenant keeps older failures", failing)
		}
		f.run(t, "the 7-day count links to the 7-day list",
			evalTab(`[...d.querySelectorAll('[data-testid="summary"] a')].find(a => a.getAttribute("aria-label").endsWith(" failing flows")).click(); return true;`, nil),
			waitTab(`return w.location.hash.startsWith("#/flows?") && w.location.hash.includes("failing=true") && w.location.hash.includes("window=7d");`),
			waitTab(rowsOf("Flows")))
		var rows float64
		f.run(t, "count the listed flows", evalTab(`return d.querySelectorAll('table[aria-label="Flows"] tbody tr').length;`, &rows))
		if rows != min(failing, 50) {
			t.Errorf("the 7-day list shows %v flows, the 7-day dashboard counts %v failing", rows, failing)
		}
	})

	t.Run("flows", func(t *testing.T) {
		f.run(t, "failing in 24 hours", f.open(""), dashboardLoaded,
			goTab("#/flows?failing=true", emptyShows("empty", "No flow failed in the last 24 hours")),
			clickText("a", "Look at the last 7 days"),
			waitTab(`return w.location.hash.includes("window=7d");`), waitTab(rowsOf("Flows")))
		const text = "zzqx no such flow"
		f.run(t, "a search that finds nothing",
			goTab("#/flows?q="+strings.ReplaceAll(text, " ", "%20"), emptyShows("empty", "No flows match “"+text+"”")),
			clickText("button", "Clear the filter"),
			waitTab(`return w.location.hash === "#/flows";`), waitTab(rowsOf("Flows")))
	})

	t.Run("runs", func(t *testing.T) {
		page := fmt.Sprintf("#/flows/%s/%s", fresh.Environment, fresh.Name)
		f.run(t, "a flow that never ran", f.open(""), dashboardLoaded,
			goTab(page, emptyShows("empty", "This flow has not run yet")),
			goTab(page+"?status=Failed", emptyShows("empty", "No failed runs")),
			clickText("a", "Show every run"),
			waitTab(fmt.Sprintf(`return w.location.hash === %q;`, page)), waitTab(emptyShows("empty", "This flow has not run yet")))
	})

	for _, c := range []struct{ name, hash, text, action string }{
		{"connections", "#/connections", "You have no connections", "Add a connection in Power Automate"},
		{"apps", "#/apps", "You have no Power Apps", "Create an app in Power Apps"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.run(t, "open "+c.name, f.open(""), dashboardLoaded, goTab(c.hash, emptyShows("empty", c.text)),
				waitTab(fmt.Sprintf(`return [...d.querySelectorAll('[data-testid="empty"] a')].some(a => a.textContent === %q && a.href.startsWith("https://"));`, c.action)))
		})
	}

	t.Run("settings", func(t *testing.T) {
		f.run(t, "open settings", f.open(""), dashboardLoaded,
			goTab("#/settings", emptyShows("empty-watches", "You watch no flows yet")),
			waitTab(`return [...d.querySelectorAll('[data-testid="empty-watches"] button')].some(b => b.textContent === "Watch all my flows");`))
	})

	// Every empty view, in each theme, on a phone: axe-clean and no sideways scrolling.
	src := webModule(t, "axe-core/axe.min.js")
	f.run(t, "phone-sized window", emulation.SetDeviceMetricsOverride(360, 740, 1, true))
	views := []struct{ hash, ready string }{
		{"#/", emptyShows("empty-failures", "No flow failed")},
		{"#/flows?q=zzqx", emptyShows("empty", "No flows match")},
		{"#/connections", emptyShows("empty", "You have no connections")},
		{"#/apps", emptyShows("empty", "You have no Power Apps")},
		{"#/settings", emptyShows("empty-watches", "You watch no flows yet")},
	}
	for _, theme := range []string{"default", "dark", "contrast"} {
		for _, v := range views {
			t.Run("360px/"+theme+"/"+v.hash, func(t *testing.T) {
				f.run(t, "open", f.open("?theme="+theme), dashboardLoaded, goTab(v.hash, v.ready), waitTab(settled))
				f.checkView(t, src)
			})
		}
	}
}

// checkView fails t on axe-core serious or critical violations in the tab, or
// when the tab scrolls sideways.
func (f *browserFixture) checkView(t *testing.T, axeSrc []byte) {
	t.Helper()
	f.run(t, "check the view", f.checkViewAction(t, axeSrc))
}

// checkViewAction is checkView as a browser action.
func (f *browserFixture) checkViewAction(t *testing.T, axeSrc []byte) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var vs []axeViolation
		var wide []float64
		if err := chromedp.Run(ctx, axe(axeSrc, &vs), evalTab(`return [d.documentElement.scrollWidth, w.innerWidth];`, &wide)); err != nil {
			return err
		}
		f.judgeView(t, vs, wide)
		return nil
	})
}

// judgeView reports axe's serious and critical violations and sideways scrolling.
func (f *browserFixture) judgeView(t *testing.T, vs []axeViolation, wide []float64) {
	t.Helper()
	for _, v := range vs {
		msg := fmt.Sprintf("%s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
	if len(wide) == 2 && wide[0] > wide[1] {
		t.Errorf("the page is %v px wide in a %v px window", wide[0], wide[1])
	}
	if t.Failed() {
		f.screenshot(t, "view")
	}
}

// fetchedAt reads when the view's data arrived (the Freshness line).
const fetchedAt = `const u = d.querySelector('[data-testid="updated"]'); return u ? Number(u.dataset.fetchedAt) : 0;`

func TestBrowserRefreshAge(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	fl := failingFlowOf(t, tenant, demo.Users()[0].ID)
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()

	var before float64
	f.run(t, "open the flow's runs", f.open(""), dashboardLoaded,
		goTab(fmt.Sprintf("#/flows/%s/%s", fl.Environment, fl.Name), rowsOf("Runs")),
		waitTab(`const u = d.querySelector('[data-testid="updated"]'); return !!u && /^Updated \d+ s ago$/.test(u.textContent);`),
		evalTab(fetchedAt, &before))
	// The age ticks on its own, counted from when the runs arrived.
	f.run(t, "the age ticks",
		waitTab(`const u = d.querySelector('[data-testid="updated"]'); const m = /^Updated (\d+) s ago$/.exec(u.textContent); return !!m && Number(m[1]) >= 1;`))

	id, err := f.pp.AddRun(fl.Environment, fl.Name, powerplatform.RunSpec{})
	if err != nil {
		t.Fatal(err)
	}
	row := fmt.Sprintf(`return !!d.querySelector('tr[data-run=%q]');`, id)
	var shown bool
	f.run(t, "the new run is not shown yet", evalTab(row, &shown))
	if shown {
		t.Fatal("the new run showed before Refresh")
	}
	var after float64
	f.run(t, "refresh", clickText("button", "Refresh"), waitTab(row),
		waitTab(fmt.Sprintf(`const u = d.querySelector('[data-testid="updated"]'); return !!u && Number(u.dataset.fetchedAt) > %f;`, before)),
		evalTab(fetchedAt, &after))
	var text string
	f.run(t, "read the age", evalTab(`return d.querySelector('[data-testid="updated"]').textContent;`, &text))
	if !strings.HasPrefix(text, "Updated ") || after <= before {
		t.Errorf("after Refresh: %q, fetched at %v (before %v)", text, after, before)
	}

	// Every data view has the Refresh line.
	for _, v := range []struct{ hash, h1 string }{
		{"#/", "Dashboard"}, {"#/flows", "Flows"}, {"#/connections", "Connections"}, {"#/apps", "Power Apps"}, {"#/settings", "Settings"},
	} {
		f.run(t, "freshness on "+v.hash, goTab(v.hash, fmt.Sprintf(`return d.querySelector("h1")?.textContent === %q && !!d.querySelector('[data-testid="updated"]')
 && [...d.querySelectorAll('[data-testid="freshness"] button')].some(b => b.textContent === "Refresh");`, v.h1)))
	}
}
