package systemtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// People in the flows grid (My flows, Shared with me, the owner search by
// name), and Refresh with the data's age on the approvals and run pages.

// ownersShown is a condition: the flows grid has settled on hash with at
// least one row, and every owner cell passes the JavaScript test ok(o).
func ownersShown(hash, ok string) string {
	return fmt.Sprintf(`if (w.location.hash !== %q || d.querySelector('[role="progressbar"], .fui-Spinner')) return false;
const os = [...d.querySelectorAll('table[aria-label="Flows"] tbody [data-testid="flow-owner"]')].map(c => c.textContent);
return os.length > 0 && os.every(o => %s);`, hash, ok)
}

// flowRows counts the flows grid's rows.
const flowRows = `return d.querySelectorAll('table[aria-label="Flows"] tbody tr').length;`

func nameOfUser(id string) string {
	for _, u := range demo.Users() {
		if strings.EqualFold(u.ID, id) {
			return u.Name
		}
	}
	return ""
}

func TestBrowserFlowsMineSharedAndByPerson(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	me := demo.Users()[0]
	var mine, shared int
	var other string // the owner of a flow shared with me
	for _, fl := range tenant.Flows {
		switch {
		case fl.OwnerID == me.ID:
			mine++
		case slices.Contains(fl.SharedWith, me.ID):
			shared++
			if other == "" {
				other = nameOfUser(fl.OwnerID)
			}
		}
	}
	if shared == 0 || other == "" {
		t.Fatal("the demo tenant shares no flow of someone else with the demo user")
	}
	byOther := 0
	for _, fl := range tenant.Flows {
		if nameOfUser(fl.OwnerID) == other && (fl.OwnerID == me.ID || slices.Contains(fl.SharedWith, me.ID)) {
			byOther++
		}
	}
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()

	f.run(t, "the flows grid", f.open(""), dashboardLoaded, goTab("#/flows?limit=200", rowsOf("Flows")))
	var labels string
	f.run(t, "read the filters", evalTab(`return d.querySelector('form[role="search"]').textContent;`, &labels))
	if strings.Contains(labels, "object id") || !strings.Contains(labels, "Owner") {
		t.Errorf("the filters read %q: want an Owner search by name, no object id", labels)
	}

	var n float64
	f.run(t, "My flows", clickText("button", "My flows"),
		waitTab(ownersShown("#/flows?whose=mine&limit=200", fmt.Sprintf("o === %q", me.Name))),
		waitTab(`return d.querySelector('[data-testid="whose-mine"]').getAttribute("aria-pressed") === "true";`),
		evalTab(flowRows, &n))
	if int(n) != mine {
		t.Errorf("My flows lists %v flows, want the %d the demo user created", n, mine)
	}

	f.run(t, "Shared with me", clickText("button", "Shared with me"),
		waitTab(ownersShown("#/flows?whose=shared&limit=200", fmt.Sprintf("o !== %q && !/[0-9a-f]{8}-[0-9a-f]{4}-/i.test(o) && !o.includes('someone')", me.Name))),
		evalTab(flowRows, &n))
	if int(n) != shared {
		t.Errorf("Shared with me lists %v flows, want the %d others shared with the demo user", n, shared)
	}

	// The owner search: part of a name, any case; Enter searches.
	first := strings.ToLower(strings.Fields(other)[0])
	f.run(t, "search for an owner", clickText("button", "All flows"),
		waitTab(ownersShown("#/flows?limit=200", "true")),
		focusTab(`d.querySelector('[data-testid="person-search"]')`), chromedp.KeyEvent(first), chromedp.KeyEvent("\r"),
		waitTab(ownersShown("#/flows?person="+first+"&limit=200", fmt.Sprintf("o === %q", other))),
		evalTab(flowRows, &n))
	if int(n) != byOther {
		t.Errorf("the search for %q lists %v flows, want the %d of %s", first, n, byOther, other)
	}

	// Nobody by that name: the empty state says so and clears the filter.
	f.run(t, "search for no one", goTab("#/flows?person=Zebedee", emptyShows("empty", "No flows owned by anyone named “Zebedee”")),
		clickText("button", "Clear the filter"),
		waitTab(`return w.location.hash === "#/flows";`), waitTab(rowsOf("Flows")))

	// Each view, in each theme, on a phone: axe-clean and no sideways scrolling.
	src := webModule(t, "axe-core/axe.min.js")
	f.run(t, "phone-sized window", emulation.SetDeviceMetricsOverride(360, 740, 1, true))
	for _, theme := range []string{"default", "dark", "contrast"} {
		for _, v := range []struct{ hash, ready string }{
			{"#/flows?whose=shared", ownersShown("#/flows?whose=shared", "true")},
			{"#/flows?whose=shared&person=" + first, ownersShown("#/flows?whose=shared&person="+first, "true")},
			{"#/flows?person=Zebedee", emptyShows("empty", "No flows owned by anyone")},
		} {
			t.Run("360px/"+theme+"/"+v.hash, func(t *testing.T) {
				f.run(t, "open", f.open("?theme="+theme), dashboardLoaded, goTab(v.hash, v.ready), waitTab(settled))
				f.checkView(t, src)
			})
		}
	}
}

// TestBrowserRefreshApprovalsAndRun: the approvals and run pages have
// Refresh and "Updated N s ago"; Refresh shows what changed upstream since.
func TestBrowserRefreshApprovalsAndRun(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	me := demo.Users()[0]
	fl := failingFlowOf(t, tenant, me.ID)
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()
	updated := `const u = d.querySelector('[data-testid="updated"]'); return !!u && /^Updated \d+ s ago$/.test(u.textContent);`
	newer := func(before float64) chromedp.Action {
		return waitTab(fmt.Sprintf(`const u = d.querySelector('[data-testid="updated"]'); return !!u && Number(u.dataset.fetchedAt) > %f;`, before))
	}

	t.Run("approvals", func(t *testing.T) {
		var before float64
		f.run(t, "open approvals", f.open(""), dashboardLoaded,
			goTab("#/approvals", `return !!d.querySelector('[data-approval]');`), waitTab(updated), evalTab(fetchedAt, &before))
		const title = "Approve the zebra budget"
		id, err := f.pp.AddApproval(powerplatform.Approval{Environment: tenant.Environments[0].Name, Title: title,
			OwnerID: demo.Users()[1].ID, Approvers: []string{me.ID}})
		if err != nil {
			t.Fatal(err)
		}
		card := fmt.Sprintf(`return !!d.querySelector('[data-approval=%q]');`, id)
		var shown bool
		f.run(t, "not shown before Refresh", evalTab(card, &shown))
		if shown {
			t.Fatal("the new approval showed before Refresh")
		}
		f.run(t, "refresh", clickText("button", "Refresh"), waitTab(card), newer(before), waitTab(updated))
	})

	// runShown is a condition: the run page is up.
	const runShown = `const h = d.querySelector("h1"); return !!h && h.textContent.startsWith("Run ") && !!d.querySelector("h1 ~ p");`
	t.Run("run", func(t *testing.T) {
		id, err := f.pp.AddRun(fl.Environment, fl.Name, powerplatform.RunSpec{Status: flowdeck.RunRunning, Duration: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		status := `const b = d.querySelector("h1 ~ p .fui-Badge"); return b ? b.textContent : "";`
		var before float64
		f.run(t, "open the running run", goTab(fmt.Sprintf("#/flows/%s/%s/runs/%s", fl.Environment, fl.Name, id), runShown),
			waitTab(updated), waitTab(`return /Running/.test(d.querySelector("h1 ~ p").textContent);`), evalTab(fetchedAt, &before))
		if n := f.pp.CompleteRuns(); n == 0 {
			t.Fatal("no run completed")
		}
		var got string
		f.run(t, "still running before Refresh", evalTab(status, &got))
		if got != flowdeck.RunRunning {
			t.Fatalf("the run page shows %q before Refresh, want Running", got)
		}
		f.run(t, "refresh", clickText("button", "Refresh"), newer(before),
			waitTab(`return /Succeeded/.test(d.querySelector("h1 ~ p").textContent);`), waitTab(updated))
	})

	src := webModule(t, "axe-core/axe.min.js")
	f.run(t, "phone-sized window", emulation.SetDeviceMetricsOverride(360, 740, 1, true))
	run := fmt.Sprintf("#/flows/%s/%s/runs/%s", fl.Environment, fl.Name, fl.Runs[len(fl.Runs)-1].Name)
	for _, theme := range []string{"default", "dark", "contrast"} {
		for _, v := range []struct{ hash, ready string }{
			{"#/approvals", `return !!d.querySelector('[data-approval]') && !!d.querySelector('[data-testid="updated"]');`},
			{run, runShown},
		} {
			t.Run("360px/"+theme+"/"+v.hash, func(t *testing.T) {
				f.run(t, "open", f.open("?theme="+theme), dashboardLoaded, goTab(v.hash, v.ready), waitTab(settled))
				f.checkView(t, src)
			})
		}
	}
}

// TestBrowserApprovalsAndSharedEmpty: each approvals tab says why it is
// empty and links to the tab to look at instead; so does Shared with me when
// no one shared a flow with the user.
func TestBrowserApprovalsAndSharedEmpty(t *testing.T) {
	tenant := quietTenant(time.Now())
	me := demo.Users()[0].ID
	for _, fl := range tenant.Flows {
		fl.SharedWith = slices.DeleteFunc(fl.SharedWith, func(id string) bool { return id == me })
	}
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()
	t.Run("shared with me", func(t *testing.T) {
		f.run(t, "open", f.open(""), dashboardLoaded,
			goTab("#/flows?whose=shared", emptyShows("empty", "No flows are shared with you")),
			clickText(`[data-testid="empty"] button`, "Show every flow"),
			waitTab(`return w.location.hash === "#/flows";`), waitTab(rowsOf("Flows")))
	})
	for _, c := range []struct{ hash, text, link, next string }{
		{"#/approvals", "No approvals are waiting for you", "See the ones you answered", "#/approvals?active=false"},
		{"#/approvals?active=false", "No completed approvals sent to you", "See the ones waiting for you", "#/approvals"},
		{"#/approvals?role=sent", "None of your approvals is waiting for an answer", "See your completed approvals", "#/approvals?role=sent&active=false"},
		{"#/approvals?role=sent&active=false", "None of your approvals is completed yet", "See the ones still waiting", "#/approvals?role=sent"},
	} {
		t.Run(c.hash, func(t *testing.T) {
			f.run(t, "open", f.open(""), dashboardLoaded, goTab(c.hash, emptyShows("empty-approvals", c.text)),
				waitTab(`return !!d.querySelector('[data-testid="updated"]');`),
				clickText(`[data-testid="empty-approvals"] a`, c.link),
				waitTab(fmt.Sprintf(`return w.location.hash === %q && !!d.querySelector('[data-testid="empty-approvals"]');`, c.next)))
		})
	}
	src := webModule(t, "axe-core/axe.min.js")
	f.run(t, "phone-sized window", emulation.SetDeviceMetricsOverride(360, 740, 1, true))
	for _, theme := range []string{"default", "dark", "contrast"} {
		for _, hash := range []string{"#/approvals", "#/approvals?role=sent&active=false", "#/flows?whose=shared"} {
			t.Run("360px/"+theme+"/"+hash, func(t *testing.T) {
				f.run(t, "open", f.open("?theme="+theme), dashboardLoaded,
					goTab(hash, `return !!d.querySelector('[data-testid="empty-approvals"], [data-testid="empty"]');`), waitTab(settled))
				f.checkView(t, src)
			})
		}
	}
}
