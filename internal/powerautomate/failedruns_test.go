package powerautomate_test

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
)

// A pass's reads answer the monitor's FailedRuns for a minute; the
// monitor's reads answer a pass that accepts data as old as they are, and
// the report says how old; a pass that wants fresher data asks again.
func TestFailedRunsSharedBetweenQueries(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	now := time.Now()
	clock := func() time.Time { return now }
	ov := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{Fresh: time.Minute, CacheTTL: time.Hour, Now: clock})
	day := now.Add(-24 * time.Hour)
	rep, err := ov.Failures(fx.ctx, day)
	if err != nil || len(rep.Flows) == 0 {
		t.Fatalf("failures: %d flows, %v", len(rep.Flows), err)
	}
	if !rep.AsOf.Equal(now) {
		t.Fatalf("a pass reading everything itself: AsOf %v, want its start %v", rep.AsOf, now)
	}
	ff := rep.Flows[0]
	env, id := ff.Flow.EnvironmentID, ff.Flow.ID

	// The monitor, 30 s later, over a shorter window: the pass's read.
	now = now.Add(30 * time.Second)
	fx.pp.ResetRequests()
	since := now.Add(-6 * time.Hour)
	p, err := ov.FailedRuns(fx.ctx, env, id, since, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(fx.pp.Requests()); n != 0 {
		t.Fatalf("FailedRuns 30 s after a pass made %d calls; want the pass's read", n)
	}
	for _, r := range p.Runs {
		if r.StartTime.Before(since) || r.Status != flowdeck.RunFailed {
			t.Fatalf("run %s %s started %v, before the asked %v", r.ID, r.Status, r.StartTime, since)
		}
	}
	if p.Next != "" && len(p.Runs) < len(ff.Starts) {
		t.Fatal("a narrowed page still offers older pages")
	}

	// A window the read does not cover is asked.
	if _, err := ov.FailedRuns(fx.ctx, env, id, day.Add(-time.Hour), time.Minute); err != nil {
		t.Fatal(err)
	}
	if n := fx.pp.Calls(powerplatform.RouteRunsList); n != 1 {
		t.Fatalf("a wider window: %d runs calls, want 1", n)
	}

	// Past Fresh, the monitor asks again, and that read is kept.
	now = now.Add(time.Minute)
	fx.pp.ResetRequests()
	if _, err := ov.FailedRuns(fx.ctx, env, id, now.Add(-24*time.Hour), time.Minute); err != nil {
		t.Fatal(err)
	}
	if n := fx.pp.Calls(powerplatform.RouteRunsList); n != 1 {
		t.Fatalf("FailedRuns after Fresh: %d runs calls, want 1", n)
	}
	readAt := now

	// When the first pass is 5 minutes old, a pass that takes 5-minute-old
	// data asks every flow again but the one the monitor read 3.5 minutes
	// ago, and says how old its answer is.
	now = now.Add(3*time.Minute + 30*time.Second)
	fx.pp.ResetRequests()
	all, err := ov.FailuresWithin(fx.ctx, now.Add(-24*time.Hour), 5*time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	started := 0
	for _, f := range listAll(t, fx, ov) {
		if f.State == flowdeck.FlowStarted {
			started++
		}
	}
	if n := fx.pp.Calls(powerplatform.RouteRunsList); n < started-1-len(all.Flows) || n > started-1+len(all.Flows) {
		t.Fatalf("pass within 5 min: %d runs calls for %d started flows; want the one read reused", n, started)
	}
	if !all.AsOf.Equal(readAt) {
		t.Fatalf("AsOf %v, want the reused read's time %v", all.AsOf, readAt)
	}
	// A pass that takes 1-minute-old data (Refresh) reuses nothing: the
	// minute-old pass above is too old for it by then.
	now = now.Add(time.Minute)
	fx.pp.ResetRequests()
	fresh, err := ov.FailuresWithin(fx.ctx, now.Add(-24*time.Hour), time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !fresh.AsOf.Equal(now) || fx.pp.Calls(powerplatform.RouteRunsList) < started {
		t.Fatalf("refresh: AsOf %v (now %v), %d runs calls for %d started flows; want all asked now", fresh.AsOf, now, fx.pp.Calls(powerplatform.RouteRunsList), started)
	}
}

func listAll(t *testing.T, fx *fixture, ov *powerautomate.Overview) []flowdeck.Flow {
	t.Helper()
	rep, err := ov.AllFlows(fx.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rep.Flows
}
