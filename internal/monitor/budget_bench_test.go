package monitor_test

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/monitor"
)

// BenchmarkTabAndMonitorBudget counts one user's upstream calls per listed
// flow per 5 minutes at 10 environments × 1,000 flows (the user lists 2,161),
// on the fake clock (no latency), over 15 minutes after a first period:
//   - tab: the tab's dashboard opened every 10 s, nothing watched (the
//     baseline: what the tab alone costs);
//   - tab+monitor: the tab, and every flow watched ("watch all"): the case
//     the budget of 1.2 is for;
//   - tab+mine: the tab and the default subscription (the user's own flows).
func BenchmarkTabAndMonitorBudget(b *testing.B) {
	for _, c := range []struct {
		name string
		tab  bool
		sub  string
	}{{"tab", true, ""}, {"tab+monitor", true, flowdeck.WatchAll}, {"tab+mine", true, flowdeck.WatchMine}} {
		b.Run(c.name, func(b *testing.B) {
			var perFlow float64
			for b.Loop() {
				perFlow = budget(b, c.tab, c.sub)
			}
			b.ReportMetric(perFlow, "calls/flow/5min")
		})
	}
}

// budget runs the case and returns the calls per listed flow per 5 minutes.
func budget(b *testing.B, tab bool, sub string) float64 {
	b.Helper()
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 10, FlowsPerEnvironment: 1000, RunsPerFlow: 8, Seed: 19, Now: time.Now()})
	f := newFixture(b, fixtureOptions{tenant: tenant, snapshots: true, opts: monitor.Options{Interval: 5 * time.Minute, Tick: 30 * time.Second}})
	adele := cloudtest.Adele()
	f.signIn(b, adele)
	if sub != "" {
		f.watch(b, adele, flowdeck.Subscription{Target: sub})
	}
	r := f.one()
	listed, err := r.ops.AllFlows(as(adele))
	if err != nil {
		b.Fatal(err)
	}
	const (
		warm    = 5 * time.Minute
		measure = 15 * time.Minute
		step    = 10 * time.Second
	)
	for i, elapsed := 0, time.Duration(0); elapsed < warm+measure; i, elapsed = i+1, elapsed+step {
		if elapsed == warm {
			f.cloud.PP.ResetRequests()
		}
		if tab {
			if _, err := r.ops.DashboardLive(as(adele), "24h", false, nil); err != nil {
				b.Fatal(err)
			}
		}
		f.clk.Advance(step)
		if i%3 == 2 { // the monitor's 30-second tick
			r.mon.Tick(b.Context())
		}
	}
	return float64(len(f.cloud.PP.Requests())) / float64(len(listed.Flows)) / float64(measure/(5*time.Minute))
}
