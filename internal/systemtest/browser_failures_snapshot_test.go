package systemtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// listClickables is where everything a user may press on the flows page is,
// "label@left,top" each in order (row contents change; places must not).
const listClickables = `return [...d.querySelectorAll('a, button, input, select')]
 .map(e => { const r = e.getBoundingClientRect(); return (e.textContent || e.getAttribute("aria-label") || "").trim().slice(0, 24) + "@" + Math.round(r.left) + "," + Math.round(r.top); }).join(" | ");`

// listIs is a condition: the flows list's data-live is phase and its
// data-snapshot is snapshot, and more (a JavaScript expression) holds.
func listIs(phase, snapshot, more string) string {
	return fmt.Sprintf(`const l = d.querySelector('[data-testid="flows-list"]'); return !!l && l.dataset.live === %q && l.dataset.snapshot === %q && (%s);`,
		phase, snapshot, more)
}

// failuresOfRow reads the failures cell of the row linking to flow, -1 when there is none.
func failuresOfRow(flow string) string {
	return fmt.Sprintf(`const r = [...d.querySelectorAll('table[aria-label="Flows"] tbody tr')].find(r => (r.querySelector('[data-testid="flow-name"]')?.getAttribute("href") ?? "").includes(%q));
 return r ? Number(r.lastElementChild.textContent) : -1;`, flow)
}

// TestBrowserFailuresListSnapshotThenLive: the failures list, reopened once
// its snapshot is stale and with Power Automate's runs held, shows the
// snapshot's rows at once with their age; when the runs are let through the
// live list replaces it, with the failure that happened since, and nothing
// a user presses has moved. Both states are axe-clean, in the default theme,
// dark and high contrast at 360 px, with no sideways scrolling.
func TestBrowserFailuresListSnapshotThenLive(t *testing.T) {
	for _, v := range []struct {
		theme string
		width int64
	}{{"default", 0}, {"dark", 360}, {"contrast", 360}} {
		t.Run(fmt.Sprintf("%s-%d", v.theme, v.width), func(t *testing.T) {
			f := newBrowserFixture(t, recentFailuresOnly(time.Now()))
			f.entra.GrantAllDemoConsent()
			src := webModule(t, "axe-core/axe.min.js") // after the fixture, which skips without a built UI
			var size chromedp.Action = chromedp.Tasks{}
			if v.width > 0 {
				size = emulation.SetDeviceMetricsOverride(v.width, 740, 1, true)
			}
			// Opened from a deep link to approvals, so that the list, not the dashboard, asks first.
			f.run(t, "first open, live", size, f.open("?subEntityId=approvals&theme="+v.theme),
				waitTab(`return w.location.hash.startsWith("#/approvals");`),
				goTab("#/flows?failing=true", listIs("done", "false", "true")),
				waitTab(rowsOf("Flows")))
			env, flow, count := staleFailureWeek(t, f)
			// The failure that happened since the snapshot.
			if _, err := f.pp.AddRun(env, flow, powerplatform.RunSpec{}); err != nil {
				t.Fatal(err)
			}
			hold := make(chan struct{})
			release := sync.OnceFunc(func() { close(hold) })
			t.Cleanup(release)
			f.pp.SetFault(powerplatform.RouteRunsList, powerplatform.Fault{Hold: hold})

			var atSnapshot, atLive string
			var snapCount, liveCount float64
			var vs []axeViolation
			f.run(t, "the snapshot first, with its age",
				goTab("#/flows?failing=true&window=7d", listIs("snapshot", "true",
					`/^Updated 10 min ago$/.test(d.querySelector('[data-testid="updated"]')?.textContent ?? "")
 && !!d.querySelector('[data-testid="freshness"] [role="progressbar"], [data-testid="freshness"] .fui-Spinner')`)),
				waitTab(rowsOf("Flows")),
				evalTab(listClickables, &atSnapshot), evalTab(failuresOfRow(flow), &snapCount), axe(src, &vs))
			if snapCount != float64(count) {
				t.Errorf("while loading, the list shows %v failures of the flow; the snapshot says %d", snapCount, count)
			}
			release()
			var age string
			f.run(t, "then the live list",
				waitTab(listIs("done", "false", "true")),
				evalTab(listClickables, &atLive), evalTab(failuresOfRow(flow), &liveCount),
				evalTab(`return d.querySelector('[data-testid="updated"]').textContent;`, &age))
			if liveCount != float64(count+1) {
				t.Errorf("after the live list the flow shows %v failures; want the snapshot's %d and the new one", liveCount, count)
			}
			if age == "Updated 10 min ago" {
				t.Errorf("after the live list the age is still the snapshot's: %q", age)
			}
			if atSnapshot != atLive {
				f.screenshot(t, "layout")
				t.Errorf("clickable elements moved when the live list came:\n snapshot: %s\n live:     %s", atSnapshot, atLive)
			}
			var live []axeViolation
			var wide []float64
			f.run(t, "axe and width, live", axe(src, &live),
				evalTab(`return [d.documentElement.scrollWidth, w.innerWidth];`, &wide))
			f.judgeView(t, append(vs, live...), wide)
		})
	}
}

// recentFailuresOnly is the demo tenant whose failed runs all started in
// the last 23 hours (older ones succeeded instead), so that its failures of
// the last 24 hours and of the last 7 days are the same.
func recentFailuresOnly(now time.Time) *powerplatform.Tenant {
	tenant := powerplatform.Demo(now)
	for _, fl := range tenant.Flows {
		for _, r := range fl.Runs {
			if r.Status == powerplatform.RunFailed && r.StartTime.Before(now.Add(-23*time.Hour)) {
				r.Status, r.Failure = powerplatform.RunSucceeded, nil
			}
		}
	}
	return tenant
}

// staleFailureWeek stores, as the user's 7-day dashboard snapshot, the 24-hour
// one the failures list kept (the same failures: see recentFailuresOnly),
// 10 minutes old, and returns a failing flow of it with its count.
func staleFailureWeek(t *testing.T, f *browserFixture) (env, flow string, count int) {
	t.Helper()
	k, err := sqlstore.NewKeyring(f.m.Config.EncryptionKey, f.m.Config.EncryptionOldKeys...)
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlstore.Open(t.Context(), sqlstore.Options{URL: f.m.Config.DatabaseURL, Keyring: k})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sn, err := st.GetSnapshot(t.Context(), demo.TenantID, f.user.ID, "dashboard/24h")
	if err != nil {
		t.Fatalf("the failures list kept no 24-hour snapshot: %v", err)
	}
	var d ops.Dashboard
	if err := json.Unmarshal(sn.Body, &d); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(d.Failing, func(ff ops.FailingFlow) bool { return !ff.More && ff.Count < 20 })
	if i < 0 {
		t.Fatalf("no failing flow with a few failures in the 24 h snapshot (%d failing)", len(d.Failing))
	}
	d.Window, d.Since = "7d", d.Since.Add(-6*24*time.Hour)
	body, _ := json.Marshal(d)
	if err := st.PutSnapshot(t.Context(), flowdeck.Snapshot{TenantID: demo.TenantID, UserID: f.user.ID, Kind: "dashboard/7d",
		AsOf: time.Now().Add(-10 * time.Minute), Body: body}); err != nil {
		t.Fatal(err)
	}
	return d.Failing[i].Flow.EnvironmentID, d.Failing[i].Flow.ID, d.Failing[i].Count
}
