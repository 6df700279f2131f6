package systemtest

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"

	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// jobDone is a condition: the job panel shows a finished job whose results contain text.
func jobDone(text string) string {
	return fmt.Sprintf(`const p = d.querySelector('[data-testid="job-panel"]'); const r = d.querySelector('[data-testid="bulk-results"]'); return p && p.dataset.state === "done" && r && r.textContent.includes(%q);`, text)
}

// resubmitsOf counts the resubmit requests the fake answered since since, by run name.
func resubmitsOf(pp *powerplatform.Server, since time.Time) map[string]int {
	out := map[string]int{}
	for _, r := range pp.Requests() {
		if r.Route == powerplatform.RouteRunsResubmit && !r.Time.Before(since) {
			parts := strings.Split(strings.TrimSuffix(r.Path, "/resubmit"), "/")
			out[parts[len(parts)-1]]++
		}
	}
	return out
}

// TestBrowserBulkJob: in Chromium, a user selects runs on two pages (the
// count says so), confirms a resubmit whose dialog states the limits, and
// follows the job to its results, given by run time and status; then
// resubmits every failed run of the last 24 hours, reloads the page mid-job
// and finds the job again, and retries the runs that failed. Each run is
// resubmitted once per job upstream. The panel is axe-clean at 360 px in
// every theme.
func TestBrowserBulkJob(t *testing.T) {
	f := newBrowserFixture(t, nil)
	page, rows := f.fortyFailedRuns(t)
	since := time.Now()

	var picked []string
	f.run(t, "select runs on two pages",
		goTab(page, rows),
		evalTab(`d.querySelector('input[aria-label="Select every run on this page"]').click(); return true;`, nil),
		waitTab(`return d.querySelector('[data-testid="selected-count"]').textContent === "25 runs selected";`),
		clickText("button", "Older"),
		waitTab(`const r = [...d.querySelectorAll('tr[data-run] input[type=checkbox]')]; return r.length > 2 && !r[0].checked;`),
		evalTab(`const r = [...d.querySelectorAll('tr[data-run] input[type=checkbox]')]; r[0].click(); r[1].click(); return true;`, nil),
		waitTab(`return d.querySelector('[data-testid="selected-count"]').textContent === "27 runs selected across 2 pages";`),
		clickText("button", "Newer"),
		waitTab(`const r = [...d.querySelectorAll('tr[data-run] input[type=checkbox]')]; return r.length === 25 && r.every(c => c.checked);`),
		evalTab(`return [...d.querySelectorAll('tr[data-run]')].map(r => r.dataset.run);`, &picked),
		clickText("button", "Resubmit"),
		waitTab(`const l = d.querySelector('[data-testid="job-limits"]'); return l && l.textContent.includes("at most 1,000 runs") && l.textContent.includes("each run once");`),
		clickText("[role=alertdialog] button, [role=dialog] button", "Resubmit"),
		waitTab(jobDone("Resubmitted 27 of 27 runs.")),
		waitTab(`return d.querySelector('[data-testid="selected-count"]').textContent === "0 runs selected";`))
	var panel string
	f.run(t, "read the results", evalTab(`return d.querySelector('[data-testid="job-panel"]').textContent;`, &panel))
	if !strings.Contains(panel, "Run started") || !strings.Contains(panel, "(was Failed): resubmitted.") {
		t.Errorf("the results do not give runs by start time and status: %.400s", panel)
	}
	for _, id := range picked {
		if strings.Contains(panel, id) {
			t.Fatalf("the results show the raw run id %s", id)
		}
	}
	first := resubmitsOf(f.pp, since)
	if len(first) != 27 {
		t.Errorf("%d runs resubmitted upstream, want the 27 selected", len(first))
	}
	for id, n := range first {
		if n != 1 {
			t.Errorf("run %s resubmitted %d times, want once", id, n)
		}
	}

	// Every failed run of the last 24 hours: three are refused upstream,
	// slowly enough that a reload lands mid-job.
	since = time.Now()
	f.pp.SetFault(powerplatform.RouteRunsResubmit, powerplatform.Fault{Status: 409, Times: 3, Code: "WorkflowRunInProgress", Message: "The run is still in progress."})
	var label, firstJob string
	f.run(t, "resubmit every failed run",
		evalTab(`return d.querySelector('[data-testid="job-panel"]').dataset.job;`, &firstJob),
		waitTab(`const b = d.querySelector('[data-testid="resubmit-all-failed"]'); return b && /^Resubmit all failed in the last 24 h \(50\+\)$|^Resubmit all \d+ failed in the last 24 h$/.test(b.textContent);`),
		evalTab(`return d.querySelector('[data-testid="resubmit-all-failed"]').textContent;`, &label))
	f.run(t, "confirm every failed run", clickText("button", label),
		waitTab(`const l = d.querySelector('[data-testid="job-limits"]'); return l && l.textContent.includes("the newest 1,000 at most");`),
		clickText("[role=alertdialog] button, [role=dialog] button", "Resubmit"),
		waitTab(fmt.Sprintf(`const p = d.querySelector('[data-testid="job-panel"]'); return p && p.dataset.job !== %q;`, firstJob)))
	var job string
	f.run(t, "reload and find the job", evalTab(`return d.querySelector('[data-testid="job-panel"]').dataset.job;`, &job),
		f.open(""), dashboardLoaded, goTab(page, rows))
	f.run(t, "the job's panel is back",
		waitTab(fmt.Sprintf(`const p = d.querySelector('[data-testid="job-panel"]'); return p && p.dataset.job === %q;`, job)))
	f.run(t, "the job ends",
		waitTab(jobDone("Resubmitted")),
		waitTab(`return [...d.querySelectorAll('[data-testid="job-items"] li[data-state="failed"]')].length === 3;`))
	var items string
	f.run(t, "read the failures", evalTab(`return d.querySelector('[data-testid="job-items"]').textContent;`, &items))
	// The fake's 409 is a run still running: its sentence, with a next step.
	if !strings.Contains(items, "(was Failed): not done. That run is still running; wait for it to finish") {
		t.Errorf("a failed run's line does not say why: %.400s", items)
	}
	second := resubmitsOf(f.pp, since)
	for id, n := range second {
		if n != 1 {
			t.Errorf("run %s resubmitted %d times by one job, want once", id, n)
		}
	}

	// Axe-clean at 360 px in every theme, with the finished job's panel.
	src := webModule(t, "axe-core/axe.min.js")
	f.run(t, "phone-sized window", emulation.SetDeviceMetricsOverride(360, 740, 1, true))
	for _, theme := range []string{"default", "dark", "contrast"} {
		t.Run("360px/"+theme, func(t *testing.T) {
			f.run(t, "open", f.open("?theme="+theme), dashboardLoaded, goTab(page, rows),
				waitTab(fmt.Sprintf(`const p = d.querySelector('[data-testid="job-panel"]'); return p && p.dataset.job === %q && p.dataset.state === "done";`, job)),
				waitTab(`return !d.querySelector('.fui-Spinner');`))
			f.checkView(t, src)
		})
	}

	// Retry the three that failed: a new job of exactly those runs.
	since = time.Now()
	f.run(t, "retry the failed ones", clickText("button", "Retry the 3 that failed"),
		clickText("[role=alertdialog] button, [role=dialog] button", "Resubmit them again"),
		waitTab(fmt.Sprintf(`const p = d.querySelector('[data-testid="job-panel"]'); return p && p.dataset.job !== %q;`, job)),
		waitTab(jobDone("Resubmitted 3 of 3 runs.")))
	if retried := resubmitsOf(f.pp, since); len(retried) != 3 {
		t.Errorf("the retry resubmitted %d runs, want the 3 that failed", len(retried))
	}
}

// fortyFailedRuns signs the demo user in with every consent, opens a failing
// flow of theirs and adds 40 failed runs to it, 7 minutes apart; it returns
// the flow's page of failed runs of the last 24 hours, and a wait for that
// page's first 25 rows (not the page before the filter).
func (f *browserFixture) fortyFailedRuns(t *testing.T) (page, rows string) {
	t.Helper()
	f.entra.GrantAllDemoConsent()
	env, flow := f.openFailingFlow(t)
	now := time.Now()
	for i := range 40 {
		if _, err := f.pp.AddRun(env, flow, powerplatform.RunSpec{Start: now.Add(-time.Duration(i+1) * 7 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	page = fmt.Sprintf("#/flows/%s/%s?status=Failed&window=24h", url.PathEscape(env), url.PathEscape(flow))
	rows = `return !!d.querySelector('section[data-runs-for*="status=Failed&window=24h"]') && d.querySelectorAll('table[aria-label="Runs"] tbody tr[data-run]').length === 25;`
	return page, rows
}
