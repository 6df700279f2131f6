package systemtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// The run history and a run as the portal shows them (issue 19, point 6).

// runFlow adds to tenant a flow of the demo user's whose three connector
// actions are: Get_secret (inputs and outputs secure), List_rows (large
// outputs) and Update_item (fails with the connector's error, in its
// outputs only).
func runFlow(t *testing.T, tenant *powerplatform.Tenant) *powerplatform.Flow {
	t.Helper()
	fl := addFlow(tenant, failingFlowOf(t, tenant, demo.Users()[0].ID), "Invoice sync")
	fl.Actions = []powerplatform.Action{
		{Name: "Get_secret", Type: "OpenApiConnection", Connector: "shared_keyvault", OperationID: "GetSecret", Secure: []string{"inputs", "outputs"}},
		{Name: "List_rows", Type: "OpenApiConnection", Connector: "shared_commondataserviceforapps", OperationID: "ListRecords", OutputBytes: 100 << 10},
		{Name: "Update_item", Type: "OpenApiConnection", Connector: "shared_sharepointonline", OperationID: "PatchItem"},
	}
	fl.Failure = powerplatform.Failure{Code: "ActionFailed", Message: "An action failed. No dependent actions succeeded.",
		Action: "Update_item", ActionCode: "NotFound", ActionMessage: "List 'Invoices' not found."}
	for _, r := range fl.Runs {
		r.Failure = nil
	}
	return fl
}

// contentReadsOf counts the run-content host's requests whose path holds action.
func contentReadsOf(pp *powerplatform.Server, action string) (n int, withToken bool) {
	for _, r := range pp.Requests() {
		if r.Route == powerplatform.RouteContentGet && strings.Contains(r.Path, "/actions/"+action+"/") {
			n++
			withToken = withToken || r.Authorization
		}
	}
	return n, withToken
}

// setSelect picks value in the select with id, as a user would.
func setSelect(id, value string) chromedp.Action {
	return evalTab(fmt.Sprintf(`const s = d.getElementById(%q); s.value = %q; s.dispatchEvent(new Event("change", {bubbles: true})); return true;`, id, value), nil)
}

// runsShown is the rows of the runs table as [id, status, duration].
const runsShown = `return [...d.querySelectorAll('tr[data-run]')].map(r => [r.getAttribute("data-run"), r.cells[2].textContent.trim(), r.querySelector('[data-duration]').textContent.trim()]);`

// durationRE is how the tab writes a duration.
const durationRE = `/^\d+ (ms|s|min|h)( \d+ (s|min))?$/`

func TestBrowserRunHistory(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	fl := runFlow(t, tenant)
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()
	failed, err := f.pp.AddRun(fl.Environment, fl.Name, powerplatform.RunSpec{Start: time.Now().Add(-10 * time.Minute), Duration: 95 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	hash := "#/flows/" + fl.Environment + "/" + fl.Name
	// loadedFor waits until the runs shown are those of a query that has all of has and none of hasNot.
	loadedFor := func(has, hasNot string) chromedp.Action {
		return waitTab(fmt.Sprintf(`const f = (d.querySelector('section[data-runs-for]') || {dataset: {}}).dataset.runsFor || ""; return f !== "" && f.includes(%q) && (%q === "" || !f.includes(%q)) && !!d.querySelector('tr[data-run]');`, has, hasNot, hasNot))
	}
	loaded := loadedFor("/runs", "")
	f.run(t, "open the flow", f.open(""), dashboardLoaded, evalTab(fmt.Sprintf(`w.location.hash = %q; return true;`, hash), nil), loaded)

	t.Run("durations", func(t *testing.T) {
		var rows [][]string
		f.run(t, "read the runs", evalTab(runsShown, &rows))
		var ok bool
		f.run(t, "check durations", evalTab(fmt.Sprintf(`const re = %s; return [...d.querySelectorAll('tr[data-run]')].every(r => { const s = r.cells[2].textContent.trim(), t = r.querySelector('[data-duration]').textContent.trim(); return s === "Running" ? t === "Running" : re.test(t); });`, durationRE), &ok))
		if len(rows) == 0 || !ok {
			t.Fatalf("runs without a duration: %v", rows)
		}
		for _, r := range rows {
			if r[0] == failed && r[2] != "1 min 35 s" {
				t.Errorf("the added run lasted 95 s; the tab says %q", r[2])
			}
		}
	})

	t.Run("status", func(t *testing.T) {
		var rows [][]string
		f.run(t, "filter Failed", setSelect("status-filter", "Failed"),
			loadedFor("status=Failed", ""), evalTab(runsShown, &rows))
		if len(rows) == 0 {
			t.Fatal("no failed runs shown")
		}
		for _, r := range rows {
			if r[1] != "Failed" {
				t.Errorf("status=Failed shows a %s run (%s)", r[1], r[0])
			}
		}
		f.run(t, "all statuses", setSelect("status-filter", ""), loadedFor("/runs", "status="))
	})

	t.Run("window", func(t *testing.T) {
		var all, hour [][]string
		f.run(t, "every run", evalTab(runsShown, &all))
		f.run(t, "filter the last hour", setSelect("window-filter", "1h"),
			loadedFor("window=1h", "status="), evalTab(runsShown, &hour))
		if len(hour) == 0 || len(hour) >= len(all) {
			t.Fatalf("last hour: %d runs of %d; the window does not narrow", len(hour), len(all))
		}
		for _, r := range hour {
			run, err := f.pp.Run(fl.Environment, fl.Name, r[0])
			if err != nil {
				t.Fatal(err)
			}
			if time.Since(run.StartTime) > time.Hour+time.Minute {
				t.Errorf("last hour shows run %s started %s", r[0], run.StartTime)
			}
		}
	})

	t.Run("failed run", func(t *testing.T) {
		f.run(t, "open the failed run",
			evalTab(fmt.Sprintf(`const a = d.querySelector('tr[data-run=%q] a'); a.click(); return true;`, failed), nil),
			waitTab(`return !!d.querySelector('[data-failed-action]');`))
		var msg, took string
		var steps [][]string
		f.run(t, "read the run",
			evalTab(`return d.querySelector('[data-failed-action]').textContent;`, &msg),
			evalTab(`return d.querySelector('[data-run-duration]').textContent;`, &took),
			evalTab(`return [...d.querySelectorAll('tr[data-step]')].map(r => [r.getAttribute("data-step"), r.cells[1].textContent.trim(), r.cells[2].textContent.trim()]);`, &steps))
		if !strings.Contains(msg, "Update_item") || !strings.Contains(msg, "List 'Invoices' not found.") {
			t.Errorf("failed action banner: %q", msg)
		}
		if took != "1 min 35 s" {
			t.Errorf("run duration %q, want 1 min 35 s", took)
		}
		want := []string{"trigger", "Get_secret", "List_rows", "Update_item"}
		if len(steps) != len(want) {
			t.Fatalf("steps %v, want %v", steps, want)
		}
		for i, s := range steps {
			if s[0] != want[i] || (i > 0 && s[2] == "") {
				t.Errorf("step %d: %v, want %s with a duration", i, s, want[i])
			}
		}
	})

	t.Run("outputs", func(t *testing.T) {
		var text string
		f.run(t, "show outputs of Update_item",
			evalTab(`d.querySelector('button[aria-label="Show outputs of Update_item"]').click(); return true;`, nil),
			waitTab(`return !!d.querySelector('pre[aria-label="Outputs of Update_item"]');`),
			evalTab(`return d.querySelector('pre[aria-label="Outputs of Update_item"]').textContent;`, &text))
		if !strings.Contains(text, `"statusCode": 404`) || !strings.Contains(text, "List 'Invoices' not found.") {
			t.Errorf("outputs of Update_item: %q", text)
		}
		if n, tok := contentReadsOf(f.pp, "Update_item"); n < 1 || tok {
			t.Errorf("Update_item content: %d reads, token %v", n, tok)
		}
	})

	t.Run("trigger outputs", func(t *testing.T) {
		before := len(f.pp.Requests())
		var text string
		f.run(t, "show outputs of the trigger",
			evalTab(`d.querySelector('button[aria-label="Show outputs of the trigger"]').click(); return true;`, nil),
			waitTab(`return !!d.querySelector('pre[aria-label="Outputs of the trigger"]');`),
			evalTab(`return d.querySelector('pre[aria-label="Outputs of the trigger"]').textContent;`, &text))
		if !strings.Contains(text, `"body"`) {
			t.Errorf("trigger outputs: %q", text)
		}
		n := 0
		for _, r := range f.pp.Requests()[before:] {
			if r.Route != powerplatform.RouteContentGet {
				continue
			}
			n++
			if r.Authorization || !strings.HasSuffix(r.Path, "/contents/TriggerOutputs") {
				t.Errorf("trigger content read %s with token %v", r.Path, r.Authorization)
			}
		}
		if n != 1 {
			t.Errorf("%d content reads for the trigger's outputs, want 1", n)
		}
	})

	t.Run("secure", func(t *testing.T) {
		var said string
		f.run(t, "show inputs of Get_secret",
			evalTab(`d.querySelector('button[aria-label="Show inputs of Get_secret"]').click(); d.querySelector('button[aria-label="Show outputs of Get_secret"]').click(); return true;`, nil),
			waitTab(`return d.querySelectorAll('[data-secure]').length === 2;`),
			evalTab(`return d.querySelector('[data-secure]').textContent;`, &said))
		if !strings.HasPrefix(said, "Inputs hidden (secure)") {
			t.Errorf("secure inputs say %q", said)
		}
		if n, _ := contentReadsOf(f.pp, "Get_secret"); n != 0 {
			t.Errorf("%d reads of Get_secret's secure content", n)
		}
	})

	t.Run("large", func(t *testing.T) {
		var note, href string
		var shown int
		f.run(t, "show outputs of List_rows",
			evalTab(`d.querySelector('button[aria-label="Show outputs of List_rows"]').click(); return true;`, nil),
			waitTab(`return !!d.querySelector('[data-truncated]');`),
			evalTab(`return d.querySelector('[data-truncated]').textContent;`, &note),
			evalTab(`return d.querySelector('[data-truncated] a').href;`, &href),
			evalTab(`return d.querySelector('pre[aria-label="Outputs of List_rows"]').textContent.length;`, &shown))
		if !strings.Contains(note, "Showing the first 64 KB of 100 KB") || shown > 64<<10 {
			t.Errorf("large outputs: %q, %d characters shown", note, shown)
		}
		if !strings.HasPrefix(href, "https://make.powerautomate.com/environments/") || !strings.Contains(href, "/runs/"+failed) {
			t.Errorf("portal link %q", href)
		}
	})

	t.Run("axe and themes", func(t *testing.T) {
		src := webModule(t, "axe-core/axe.min.js")
		runHash := hash + "/runs/" + failed
		open := evalTab(`for (const b of d.querySelectorAll('button[aria-label^="Show "]')) b.click(); return true;`, nil)
		for _, theme := range []string{"default", "dark", "contrast"} {
			var vs []axeViolation
			f.run(t, "run page in "+theme, f.open("?theme="+theme), dashboardLoaded,
				evalTab(fmt.Sprintf(`w.location.hash = %q; return true;`, runHash), nil),
				waitTab(`return !!d.querySelector('[data-failed-action]');`), open,
				waitTab(`return d.querySelectorAll('[data-content] pre, [data-secure], [data-content] .fui-Caption1').length >= 8 && !d.querySelector('.fui-Spinner');`),
				axe(src, &vs))
			for _, v := range vs {
				msg := fmt.Sprintf("%s %s (%s): %s\n\t%s", theme, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Error(msg)
				} else {
					t.Log(msg)
				}
			}
		}
		var wide struct{ Page, Window float64 }
		f.run(t, "360 px", emulation.SetDeviceMetricsOverride(360, 740, 1, true),
			waitTab(`return w.innerWidth === 360;`),
			evalTab(`return {Page: d.documentElement.scrollWidth, Window: w.innerWidth};`, &wide))
		if wide.Page > wide.Window {
			t.Errorf("at 360 px the run page is %v px wide", wide.Page)
		}
	})
}
