package systemtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"

	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// TestBrowserBulkJobPaused: in Chromium, a user confirms a resubmit of the
// runs on a page; her sessions are revoked at Entra ID and Power Platform
// refuses her token, so the job pauses: the panel says she must sign in
// again, how many runs wait, and offers Resume (axe-clean at 360 px in
// every theme). Resume (the tab's own sign-in renews her tokens) finishes
// the job, each run resubmitted once.
func TestBrowserBulkJobPaused(t *testing.T) {
	f := newBrowserFixture(t, nil)
	page, rows := f.fortyFailedRuns(t)
	paused := `const p = d.querySelector('[data-testid="job-panel"]'); const m = d.querySelector('[data-testid="job-paused"]'); return p && p.dataset.state === "paused" && m && m.textContent.includes("sign in again") && m.textContent.includes("25 runs are waiting");`

	f.run(t, "select the runs of a page",
		goTab(page, rows),
		evalTab(`d.querySelector('input[aria-label="Select every run on this page"]').click(); return true;`, nil),
		waitTab(`return d.querySelector('[data-testid="selected-count"]').textContent === "25 runs selected";`),
		clickText("button", "Resubmit"),
		waitTab(`return !!d.querySelector('[data-testid="job-limits"]');`))
	// Her sign-in dies: refresh tokens revoked, the access token refused.
	f.entra.RevokeRefreshTokens(f.user.TenantID, f.user.ID)
	f.pp.SetFault(powerplatform.RouteRunsResubmit, powerplatform.Fault{Status: 401, Times: 1000, Code: "InvalidAuthenticationToken", Message: "The access token has been revoked."})
	since := time.Now()
	f.run(t, "confirm, and the job pauses",
		clickText("[role=alertdialog] button, [role=dialog] button", "Resubmit"),
		waitTab(paused))
	f.pp.ClearFault(powerplatform.RouteRunsResubmit)
	var job, progress string
	f.run(t, "read the paused job",
		evalTab(`return d.querySelector('[data-testid="job-panel"]').dataset.job;`, &job),
		evalTab(`return d.querySelector('[data-testid="job-progress"]').textContent;`, &progress),
		waitTab(`return [...d.querySelectorAll('[data-testid="job-panel"] button')].some(b => b.textContent === "Resume");`))
	if progress != "Paused: 0 of 25 runs done" {
		t.Errorf("the paused job's progress says %q", progress)
	}

	src := webModule(t, "axe-core/axe.min.js")
	f.run(t, "phone-sized window", emulation.SetDeviceMetricsOverride(360, 740, 1, true))
	for _, theme := range []string{"default", "dark", "contrast"} {
		t.Run("360px/"+theme, func(t *testing.T) {
			f.run(t, "open", f.open("?theme="+theme), dashboardLoaded, goTab(page, rows),
				waitTab(fmt.Sprintf(`const p = d.querySelector('[data-testid="job-panel"]'); return p && p.dataset.job === %q;`, job)),
				waitTab(paused),
				waitTab(`return !d.querySelector('.fui-Spinner');`))
			f.checkView(t, src)
		})
	}

	f.run(t, "resume", clickText("[data-testid=\"job-panel\"] button", "Resume"),
		waitTab(jobDone("Resubmitted 25 of 25 runs.")))
	done := map[string]int{}
	for _, r := range f.pp.Requests() {
		if r.Route == powerplatform.RouteRunsResubmit && !r.Time.Before(since) && r.Status/100 == 2 {
			parts := strings.Split(strings.TrimSuffix(r.Path, "/resubmit"), "/")
			done[parts[len(parts)-1]]++
		}
	}
	if len(done) != 25 {
		t.Errorf("%d runs resubmitted, want the 25 selected", len(done))
	}
	for id, n := range done {
		if n != 1 {
			t.Errorf("run %s resubmitted %d times, want once", id, n)
		}
	}
}
