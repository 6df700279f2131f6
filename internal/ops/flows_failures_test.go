package ops_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// listed is a listing's failures by env/flow id.
func listed(l ops.FlowList) map[string]int {
	out := map[string]int{}
	for _, r := range l.Items {
		out[r.EnvironmentID+"/"+r.ID] = r.Failures
	}
	return out
}

// dashboardCounts is what the failures list should show of d: each failing
// flow's count, and 1 for a flow suspended for failing continuously.
func dashboardCounts(d ops.Dashboard) map[string]int {
	out := map[string]int{}
	for _, ff := range d.Failing {
		out[ff.Flow.EnvironmentID+"/"+ff.Flow.ID] = ff.Count
	}
	for _, f := range d.Off {
		if k := f.EnvironmentID + "/" + f.ID; f.SuspensionReason == "AlwaysFailingDetected" && out[k] == 0 {
			out[k] = 1
		}
	}
	return out
}

func TestFailingListFromTheFreshDashboardSnapshot(t *testing.T) {
	w := newSnapshotWorld(t)
	ctx := cloudtest.As(cloudtest.Adele())
	// One flow that Power Automate suspended for failing: it counts once, though its runs are not read.
	started, err := w.warm.Flows(ctx, ops.FlowQuery{State: flowdeck.FlowStarted, Limit: 1})
	if err != nil || len(started.Items) == 0 {
		t.Fatalf("no started flow: %v", err)
	}
	suspended := started.Items[0]
	if err := w.cloud.PP.SetFlowState(suspended.EnvironmentID, suspended.ID, powerplatform.StateSuspended, powerplatform.SuspensionAlwaysFailingDetected); err != nil {
		t.Fatal(err)
	}
	w.cloud.Overview.Forget(ctx)

	d, err := w.warm.Dashboard(ctx, "24h")
	if err != nil || len(d.Failing) == 0 {
		t.Fatalf("dashboard: %d failing, %v", len(d.Failing), err)
	}
	want := dashboardCounts(d)
	if want[suspended.EnvironmentID+"/"+suspended.ID] != 1 {
		t.Fatalf("the dashboard does not show %s suspended for failing", suspended.DisplayName)
	}

	// Within SnapshotFresh, the list is the dashboard's: no runs asked.
	w.clock.add(30 * time.Second)
	w.cloud.PP.ResetRequests()
	for _, refresh := range []bool{false, true} { // a refresh within RefreshEvery asks nothing either
		list, err := w.warm.Flows(ctx, ops.FlowQuery{Failing: true, Refresh: refresh, Limit: ops.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if n := w.cloud.PP.Calls(powerplatform.RouteRunsList); n != 0 {
			t.Errorf("refresh=%v: %d runs asked upstream; the dashboard snapshot is fresh", refresh, n)
		}
		if !list.FromSnapshot || !sameMoment(list.AsOf, d.AsOf) {
			t.Errorf("refresh=%v: fromSnapshot %v, asOf %v; want the snapshot's %v", refresh, list.FromSnapshot, list.AsOf, d.AsOf)
		}
		if got := listed(list); !maps.Equal(got, want) {
			t.Errorf("refresh=%v: the list counts %v, the dashboard %v", refresh, got, want)
		}
	}
	// Sorting by failures takes the same counts.
	sorted, err := w.warm.Flows(ctx, ops.FlowQuery{Sort: "failures", Desc: true, Limit: ops.MaxPageSize})
	if err != nil || sorted.Items[0].Failures != maxCount(want) || !sorted.FromSnapshot {
		t.Errorf("sort=failures: first %d failures (want %d), fromSnapshot %v, %v", sorted.Items[0].Failures, maxCount(want), sorted.FromSnapshot, err)
	}

	// Once the snapshot is RefreshEvery old, a refresh asks live and keeps what it found.
	w.clock.add(ops.DefaultRefreshEvery)
	list, err := w.warm.Flows(ctx, ops.FlowQuery{Failing: true, Refresh: true, Limit: ops.MaxPageSize})
	if err != nil || list.FromSnapshot || !sameMoment(list.AsOf, w.clock.now()) {
		t.Fatalf("refresh: fromSnapshot %v, asOf %v (now %v), %v", list.FromSnapshot, list.AsOf, w.clock.now(), err)
	}
	if again, ok, err := w.warm.DashboardSnapshot(ctx, "24h"); err != nil || !ok || !sameMoment(again.AsOf, list.AsOf) {
		t.Errorf("the refreshed list kept no dashboard snapshot: %v %v %v", again.AsOf, ok, err)
	}
}

// sameMoment compares times as the store keeps them (to the microsecond or so).
func sameMoment(a, b time.Time) bool { return a.Sub(b).Abs() < time.Millisecond }

func maxCount(m map[string]int) int {
	n := 0
	for _, c := range m {
		n = max(n, c)
	}
	return n
}

func TestFailingListSnapshotAsksNothingUpstream(t *testing.T) {
	w := newSnapshotWorld(t)
	adele := cloudtest.Adele()
	ctx := cloudtest.As(adele)
	live, err := w.warm.Flows(ctx, ops.FlowQuery{Failing: true, Limit: ops.MaxPageSize})
	if err != nil || live.Total == 0 || live.FromSnapshot || live.AsOf.IsZero() {
		t.Fatalf("live list: %d flows, fromSnapshot %v, asOf %v, %v", live.Total, live.FromSnapshot, live.AsOf, err)
	}
	// An hour later, on a replica whose overview is cold and whose every
	// upstream request is held: the snapshot answers, however old.
	w.clock.add(time.Hour)
	w.cloud.PP.ResetRequests()
	got, err := w.cold.Flows(bounded(t, ctx), ops.FlowQuery{Failing: true, Limit: ops.MaxPageSize, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	if !got.FromSnapshot || !sameMoment(got.AsOf, live.AsOf) {
		t.Errorf("snapshot list: fromSnapshot %v, asOf %v; want the live list's %v", got.FromSnapshot, got.AsOf, live.AsOf)
	}
	if !maps.Equal(listed(got), listed(live)) {
		t.Errorf("snapshot list %v, live list %v", listed(got), listed(live))
	}
	for i, r := range got.Items {
		if r.EnvironmentName != "" && r.EnvironmentName != live.Items[i].EnvironmentName {
			t.Errorf("%s: environment %q, live %q", r.DisplayName, r.EnvironmentName, live.Items[i].EnvironmentName)
		}
	}

	// What is not kept is not asked for: an empty answer, not from a snapshot.
	megan := cloudtest.As(demo.Users()[1])
	for name, c := range map[string]struct {
		ctx context.Context
		q   ops.FlowQuery
	}{
		"no 7-day dashboard": {ctx, ops.FlowQuery{Failing: true, Window: "7d", Snapshot: true}},
		"another user":       {megan, ops.FlowQuery{Failing: true, Snapshot: true}},
		"failing since":      {ctx, ops.FlowQuery{Failing: true, FailingSince: w.clock.now().Add(-time.Hour), Snapshot: true}},
	} {
		empty, err := w.cold.Flows(bounded(t, c.ctx), c.q)
		if err != nil || empty.Total != 0 || empty.Items == nil || len(empty.Items) != 0 || empty.FromSnapshot || !empty.AsOf.IsZero() {
			t.Errorf("%s: %d flows, fromSnapshot %v, asOf %v, %v; want none", name, empty.Total, empty.FromSnapshot, empty.AsOf, err)
		}
	}
	if n, logged := w.g.asked.Load(), len(w.cloud.PP.Requests()); n != 0 || logged != 0 {
		t.Errorf("snapshot lists asked upstream: %d requests at the gate, %d logged", n, logged)
	}
}

func TestLiveFailingListKeepsTheDashboardSnapshot(t *testing.T) {
	w := newSnapshotWorld(t)
	ctx := cloudtest.As(cloudtest.Adele())
	list, err := w.warm.Flows(ctx, ops.FlowQuery{Failing: true, Window: "7d", Limit: ops.MaxPageSize})
	if err != nil || list.Total == 0 || list.FromSnapshot || !sameMoment(list.AsOf, w.clock.now()) {
		t.Fatalf("live list: %d flows, fromSnapshot %v, asOf %v, %v", list.Total, list.FromSnapshot, list.AsOf, err)
	}
	w.clock.add(time.Minute)
	w.cloud.PP.ResetRequests()
	d, err := w.warm.Dashboard(ctx, "7d")
	if err != nil {
		t.Fatal(err)
	}
	if !d.FromSnapshot || !sameMoment(d.AsOf, list.AsOf) || w.cloud.PP.Calls(powerplatform.RouteRunsList) != 0 {
		t.Errorf("dashboard after the list: fromSnapshot %v, asOf %v (list %v), %d runs asked",
			d.FromSnapshot, d.AsOf, list.AsOf, w.cloud.PP.Calls(powerplatform.RouteRunsList))
	}
	if got, want := listed(list), dashboardCounts(d); !maps.Equal(got, want) {
		t.Errorf("the list counts %v, the dashboard %v", got, want)
	}
}
