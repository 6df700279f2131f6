package monitor_test

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/monitor"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// The monitor and the tab of one user share their reads of failed runs: a
// cycle 30 s after the tab's live dashboard asks Power Automate for no runs
// (and still finds and posts the new failure), and the tab's live dashboard
// just after a cycle asks only for the flows the cycle did not read, saying
// how old its answer is.
func TestMonitorAndTabShareReads(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	fl := f.startedFlows(t, adele)[0]
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchAll})
	chat := f.personal(adele).ConversationID
	r := f.one()

	f.tick(t, 4*time.Minute+30*time.Second) // the first cycle is due at 5 minutes
	run := f.fail(t, fl, 0)
	if _, err := r.ops.DashboardLive(as(adele), "24h", true, nil); err != nil {
		t.Fatal(err)
	}
	f.cloud.PP.ResetRequests()
	f.tick(t, 30*time.Second) // due
	if n := f.cloud.PP.Calls(powerplatform.RouteRunsList); n != 0 {
		t.Fatalf("the cycle 30 s after the tab's dashboard asked for runs %d times; want the tab's reads", n)
	}
	if s := f.sentTo(chat); len(containing(s.posts, "Flow run failed", run)) != 1 {
		t.Fatalf("the cycle on the tab's reads did not post the failure of run %s (%d posts)", run, len(s.posts))
	}

	// The next cycle reads every watched flow; the tab's dashboard right
	// after asks for none of them.
	f.tick(t, 4*time.Minute+30*time.Second)
	f.cloud.PP.ResetRequests()
	f.tick(t, 30*time.Second) // due
	if f.cloud.PP.Calls(powerplatform.RouteRunsList) == 0 {
		t.Fatal("the second cycle read no runs; it cannot have run")
	}
	readAt := f.clk.Now()
	f.clk.Advance(20 * time.Second)
	f.cloud.PP.ResetRequests()
	d, err := r.ops.DashboardLive(as(adele), "24h", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.cloud.PP.Calls(powerplatform.RouteRunsList); n != 0 {
		t.Fatalf("the tab's dashboard 20 s after a cycle over all flows asked for runs %d times; want the cycle's reads", n)
	}
	if !d.AsOf.Equal(readAt) || d.FromSnapshot {
		t.Fatalf("dashboard AsOf %v (from snapshot %v); want the cycle's read at %v", d.AsOf, d.FromSnapshot, readAt)
	}
	found := false
	for _, ff := range d.Failing {
		found = found || ff.Flow.ID == fl.ID && ff.Latest.ID == run
	}
	if !found {
		t.Fatalf("the dashboard on the cycle's reads misses run %s of %s", run, fl.DisplayName)
	}
	// Refresh wants reads under a minute old: 20 s is; at 70 s they are not.
	f.clk.Advance(50 * time.Second)
	f.cloud.PP.ResetRequests()
	if _, err := r.ops.DashboardLive(as(adele), "24h", true, nil); err != nil {
		t.Fatal(err)
	}
	started, err := r.ops.Flows(as(adele), ops.FlowQuery{State: flowdeck.FlowStarted, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	if n := f.cloud.PP.Calls(powerplatform.RouteRunsList); n < started.Total || started.Total == 0 {
		t.Fatalf("Refresh 70 s after the cycle asked for runs %d times; want every started flow again (%d)", n, started.Total)
	}
}

// A monitor whose period is shorter than the minute a read is shared never
// takes its own last read for the next cycle: a failure after one cycle is
// posted by the next.
func TestShortPeriodReadsAfresh(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: monitor.Options{Interval: 40 * time.Second, Tick: 10 * time.Second}})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	fl := f.startedFlows(t, adele)[0]
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID, FlowName: fl.DisplayName})
	chat := f.personal(adele).ConversationID
	f.cloud.PP.ResetRequests()
	for range 4 { // the first cycle
		f.tick(t, 10*time.Second)
	}
	if f.cloud.PP.Calls(powerplatform.RouteRunsList) == 0 {
		t.Fatal("the first cycle read no runs")
	}
	run := f.fail(t, fl, 0)
	for range 4 { // the next cycle, 40 s later
		f.tick(t, 10*time.Second)
	}
	if s := f.sentTo(chat); len(containing(s.posts, "Flow run failed", run)) != 1 {
		t.Fatalf("the cycle 40 s after the last did not post run %s (%d posts): it took its own last read", run, len(s.posts))
	}
}
