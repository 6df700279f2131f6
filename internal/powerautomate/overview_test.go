package powerautomate_test

import (
	"errors"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
)

func TestFailuresWarmCacheAsksOnlyForRuns(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	now := time.Now()
	ov := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{Fresh: time.Minute, CacheTTL: time.Hour, Now: func() time.Time { return now }})
	since := now.Add(-24 * time.Hour)
	rep, err := ov.Failures(fx.ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Flows) == 0 || len(rep.Partial) != 0 {
		t.Fatalf("report: %d flows, partial %+v", len(rep.Flows), rep.Partial)
	}
	for _, ff := range rep.Flows {
		if ff.Count == 0 || ff.Latest.Status != flowdeck.RunFailed || ff.Latest.StartTime.Before(since) || ff.Flow.State != flowdeck.FlowStarted {
			t.Fatalf("flow failures = %+v", ff)
		}
	}
	if rep.Flows[0].FailedAction == nil || rep.Flows[0].FailedAction.Status != flowdeck.RunFailed {
		t.Fatalf("latest failure has no failed action: %+v", rep.Flows[0])
	}
	// Within Fresh, the same user's next query shares the answer: no call.
	fx.pp.ResetRequests()
	if again, err := ov.Failures(fx.ctx, since.Add(time.Second)); err != nil || len(again.Flows) == 0 || len(fx.pp.Requests()) != 0 {
		t.Fatalf("query within Fresh: %d flows, %v, %d upstream calls; want the shared answer and none", len(again.Flows), err, len(fx.pp.Requests()))
	}
	now = now.Add(time.Minute)
	rep2, err := ov.Failures(fx.ctx, since)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep2.Flows) != len(rep.Flows) {
		t.Fatalf("repeat: %d flows, first %d", len(rep2.Flows), len(rep.Flows))
	}
	for _, r := range fx.pp.Requests() {
		// The failed action's lookup: its list, and the outputs of a connector action.
		if r.Route != powerplatform.RouteRunsList && r.Route != powerplatform.RouteActionsList && r.Route != powerplatform.RouteContentGet {
			t.Fatalf("warm repeat called %s", r.Route)
		}
	}
	if fx.pp.Calls(powerplatform.RouteRunsList) == 0 {
		t.Fatal("warm repeat made no runs calls")
	}
}

func TestOverviewPartialResults(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	ov := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{FailedActions: -1})
	fx.pp.SetFault(powerplatform.RouteFlowsList, powerplatform.Fault{Status: 403, Times: 1, Code: "EnvironmentAccessDenied", Message: "Access to the environment is denied."})
	rep, err := ov.FlowsOff(fx.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Partial) != 1 || rep.Partial[0].Name == "" || !errors.Is(rep.Partial[0].Err, flowdeck.ErrForbidden) || rep.Partial[0].Message == "" {
		t.Fatalf("partial = %+v", rep.Partial)
	}
	for _, f := range rep.Flows {
		if f.State == flowdeck.FlowStarted || f.EnvironmentID == rep.Partial[0].EnvironmentID {
			t.Fatalf("flow %+v", f)
		}
	}
	// Failures: the failed environment is retried (not cached), the others come from the cache.
	fx.pp.ResetRequests()
	frep, err := ov.Failures(fx.ctx, time.Now().Add(-24*time.Hour))
	if err != nil || len(frep.Partial) != 0 {
		t.Fatalf("failures: %+v, %v", frep.Partial, err)
	}
	if n := fx.pp.Calls(powerplatform.RouteFlowsList); n != 2 {
		t.Fatalf("flows.list calls = %d, want only the failed environment's two", n)
	}
	// Runs failing for one flow: that environment is named, the rest still comes back.
	fx.pp.SetFault(powerplatform.RouteRunsList, powerplatform.Fault{Status: 404, Times: 1, Code: "FlowNotFound", Message: "Could not find flow."})
	ov.Forget(fx.ctx) // a pass of its own, not the answer just shared
	frep, err = ov.Failures(fx.ctx, time.Now().Add(-24*time.Hour))
	if err != nil || len(frep.Partial) != 1 || len(frep.Flows) == 0 {
		t.Fatalf("failures: partial %+v, %d flows, %v", frep.Partial, len(frep.Flows), err)
	}
}

func TestPendingApprovalsAcrossEnvironments(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	ov := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{})
	ctx, a := pendingFor(t, fx)
	rep, err := ov.PendingApprovals(ctx)
	if err != nil || len(rep.Partial) != 0 {
		t.Fatal(err, rep.Partial)
	}
	found := false
	for _, x := range rep.Approvals {
		found = found || x.ID == a.ID
		if x.Status != flowdeck.ApprovalPending {
			t.Fatalf("not pending: %+v", x)
		}
	}
	if !found {
		t.Fatalf("approval %s missing from %d", a.ID, len(rep.Approvals))
	}
	envs := map[string]bool{}
	for _, r := range fx.pp.Requests() {
		if r.Route == powerplatform.RouteApprovalsList {
			envs[r.Path] = true
		}
	}
	if len(envs) != 3 {
		t.Fatalf("approvals asked in %d environments", len(envs))
	}
}
