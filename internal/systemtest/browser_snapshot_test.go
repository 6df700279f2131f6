package systemtest

import (
	"encoding/json"
	"fmt"
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

// clickables is where the dashboard's window tabs, Refresh and summary links
// are, "left,top" each in order (their numbers change; their place must not).
const clickables = `return [...d.querySelectorAll('[role="tab"], [data-testid="freshness"] button, [data-testid="summary"] a')]
 .map(e => { const r = e.getBoundingClientRect(); return Math.round(r.left) + "," + Math.round(r.top); }).join(" ");`

// TestBrowserDashboardSnapshotThenLive: a dashboard whose snapshot is stale
// shows the snapshot first, with its age, while the live refresh loads; then
// the live answer replaces it, and nothing a user clicks above the failures
// has moved. Both states are axe-clean, in the default theme, dark and high
// contrast at 360 px, with no sideways scrolling.
func TestBrowserDashboardSnapshotThenLive(t *testing.T) {
	for _, v := range []struct {
		theme string
		width int64
	}{{"default", 0}, {"dark", 360}, {"contrast", 360}} {
		t.Run(fmt.Sprintf("%s-%d", v.theme, v.width), func(t *testing.T) {
			f := newBrowserFixture(t, powerplatform.Demo(time.Now()))
			f.entra.GrantAllDemoConsent()
			src := webModule(t, "axe-core/axe.min.js") // after the fixture, which skips without a built UI
			var size chromedp.Action = chromedp.Tasks{}
			if v.width > 0 {
				size = emulation.SetDeviceMetricsOverride(v.width, 740, 1, true)
			}
			f.run(t, "first open, live", size, f.open("?theme="+v.theme), dashboardLoaded,
				waitTab(`return d.querySelector('[data-testid="summary"]').dataset.live === "done";`))
			staleWeek(t, f)
			// Each runs call takes 300 ms: the live refresh takes seconds.
			f.pp.SetFault(powerplatform.RouteRunsList, powerplatform.Fault{Latency: 300 * time.Millisecond})

			var atSnapshot, atLive string
			var snapRuns, liveRuns float64
			var vs []axeViolation
			f.run(t, "the snapshot first, with its age",
				goTab("#/?window=7d", `const s = d.querySelector('[data-testid="summary"]'); return !!s && s.dataset.snapshot === "true" && s.dataset.live === "loading"
 && /^Updated 10 min ago$/.test(d.querySelector('[data-testid="updated"]')?.textContent ?? "");`),
				evalTab(clickables, &atSnapshot), evalTab(summaryValue("failed runs"), &snapRuns), axe(src, &vs))
			if snapRuns != 999 {
				t.Errorf("while loading, the summary shows %v failed runs; the snapshot says 999", snapRuns)
			}
			var age string
			f.run(t, "then the live answer",
				waitTab(`const s = d.querySelector('[data-testid="summary"]'); return s.dataset.snapshot === "false" && s.dataset.live === "done";`),
				evalTab(clickables, &atLive), evalTab(summaryValue("failed runs"), &liveRuns),
				evalTab(`return d.querySelector('[data-testid="updated"]').textContent;`, &age))
			if liveRuns == 999 || liveRuns < 1 {
				t.Errorf("after the refresh the summary shows %v failed runs; want the tenant's own", liveRuns)
			}
			if age == "Updated 10 min ago" {
				t.Errorf("after the refresh the age is still the snapshot's: %q", age)
			}
			if atSnapshot != atLive {
				f.screenshot(t, "layout")
				t.Errorf("clickable elements moved when the live answer came:\n snapshot: %s\n live:     %s", atSnapshot, atLive)
			}
			var live []axeViolation
			var wide []float64
			f.run(t, "axe and width, live", axe(src, &live),
				evalTab(`return [d.documentElement.scrollWidth, w.innerWidth];`, &wide))
			f.judgeView(t, append(vs, live...), wide)
		})
	}
}

// staleWeek stores a week's snapshot for the user, 10 minutes old, in which
// one flow failed 999 times: what the tab shows until the live answer comes.
func staleWeek(t *testing.T, f *browserFixture) {
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
		t.Fatal(err)
	}
	var d ops.Dashboard
	if err := json.Unmarshal(sn.Body, &d); err != nil || len(d.Failing) == 0 {
		t.Fatalf("the 24 h snapshot: %d failing, %v", len(d.Failing), err)
	}
	d.Window, d.Failing, d.Since = "7d", d.Failing[:1], d.Since.Add(-6*24*time.Hour)
	d.Failing[0].Count = 999
	body, _ := json.Marshal(d)
	if err := st.PutSnapshot(t.Context(), flowdeck.Snapshot{TenantID: demo.TenantID, UserID: f.user.ID, Kind: "dashboard/7d",
		AsOf: time.Now().Add(-10 * time.Minute), Body: body}); err != nil {
		t.Fatal(err)
	}
}
