package powerautomate_test

import (
	"errors"
	"maps"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// firstFlow returns a Started flow of the user with at least one failed run.
func firstFlow(t *testing.T, fx *fixture) (flowdeck.Environment, flowdeck.Flow) {
	t.Helper()
	envs, err := fx.client.Environments(fx.ctx)
	if err != nil || len(envs) == 0 {
		t.Fatalf("Environments = %v, %v", envs, err)
	}
	for _, e := range envs {
		fs, err := fx.client.Flows(fx.ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.State == flowdeck.FlowStarted && f.OwnerID == fx.user.ID {
				return e, f
			}
		}
	}
	t.Fatal("no started flow owned by the user")
	return flowdeck.Environment{}, flowdeck.Flow{}
}

func TestEnvironmentsAndFlows(t *testing.T) {
	fx := newFixture(t, fixtureOpts{pageSize: 7})
	envs, err := fx.client.Environments(fx.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 3 || !envs[0].IsDefault || envs[0].DisplayName == "" {
		t.Fatalf("envs = %+v", envs)
	}
	seen := map[string]bool{}
	var solution, shared bool
	var fs []flowdeck.Flow
	for _, e := range envs {
		l, err := fx.client.Flows(fx.ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, l...)
	}
	for _, f := range fs {
		if seen[f.ID] {
			t.Fatalf("flow %s listed twice", f.ID)
		}
		seen[f.ID] = true
		solution = solution || f.SolutionAware
		shared = shared || f.Shared
		if f.Trigger == "" || f.EnvironmentID == "" {
			t.Fatalf("flow = %+v", f)
		}
	}
	if len(fs) == 0 || !solution || !shared {
		t.Fatalf("%d flows, solution %v, shared %v", len(fs), solution, shared)
	}
	if fx.pp.Calls(powerplatform.RouteFlowsList) < 4 {
		t.Fatalf("flows.list calls = %d, want several pages of both listings", fx.pp.Calls(powerplatform.RouteFlowsList))
	}
	f, err := fx.client.Flow(fx.ctx, fs[0].EnvironmentID, fs[0].ID)
	if err != nil || f.ID != fs[0].ID || f.DisplayName != fs[0].DisplayName {
		t.Fatalf("Flow = %+v, %v", f, err)
	}
}

func TestRunsPagingAcrossHosts(t *testing.T) {
	fx := newFixture(t, fixtureOpts{pageSize: 10})
	e, f := firstFlow(t, fx)
	fx.pp.ResetRequests()
	runs, err := fx.client.AllRuns(fx.ctx, e.ID, f.ID, flowdeck.RunFilter{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) < 20 {
		t.Fatalf("%d runs, want several pages", len(runs))
	}
	for i := 1; i < len(runs); i++ {
		if runs[i].StartTime.After(runs[i-1].StartTime) {
			t.Fatal("runs not newest first")
		}
	}
	alt, _ := url.Parse(fx.pp.AltURL())
	flow, _ := url.Parse(fx.pp.FlowURL())
	for _, r := range fx.pp.Requests() {
		if r.Host != flow.Host {
			t.Fatalf("request sent to %s (alt %s): the nextLink was not re-pointed at the base host", r.Host, alt.Host)
		}
		if r.Audience != "https://service.flow.microsoft.com/" {
			t.Fatalf("audience %q", r.Audience)
		}
	}
	// One page at a time, with the cursor.
	p1, err := fx.client.Runs(fx.ctx, e.ID, f.ID, flowdeck.RunFilter{Top: 5}, "")
	if err != nil || len(p1.Runs) != 5 || p1.Next == "" {
		t.Fatalf("page 1 = %d runs, next %q, %v", len(p1.Runs), p1.Next, err)
	}
	p2, err := fx.client.Runs(fx.ctx, e.ID, f.ID, flowdeck.RunFilter{Top: 5}, p1.Next)
	if err != nil || len(p2.Runs) != 5 || p2.Runs[0].ID == p1.Runs[0].ID {
		t.Fatalf("page 2 = %+v, %v", p2, err)
	}
	if _, err := fx.client.Runs(fx.ctx, e.ID, f.ID, flowdeck.RunFilter{}, "https://evil.example/elsewhere?x=1"); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Fatalf("foreign cursor: %v", err)
	}
	// Failed runs with a filter, one run, its actions and the failed one.
	failed, err := fx.client.AllRuns(fx.ctx, e.ID, f.ID, flowdeck.RunFilter{Status: flowdeck.RunFailed, Since: time.Now().Add(-30 * 24 * time.Hour)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) == 0 {
		id, err := fx.pp.AddRun(e.ID, f.ID, powerplatform.RunSpec{})
		if err != nil {
			t.Fatal(err)
		}
		failed = []flowdeck.Run{{ID: id}}
	}
	r, err := fx.client.Run(fx.ctx, e.ID, f.ID, failed[0].ID)
	if err != nil || r.Status != flowdeck.RunFailed || r.ErrorCode == "" || r.TriggerName == "" {
		t.Fatalf("Run = %+v, %v", r, err)
	}
	acts, err := fx.client.RunActions(fx.ctx, e.ID, f.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := powerautomate.FailedAction(acts)
	if !ok || a.ErrorMessage == "" {
		t.Fatalf("failed action = %+v, %v (of %+v)", a, ok, acts)
	}
	if _, err := fx.client.Run(fx.ctx, e.ID, f.ID, "0858AAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); !errors.Is(err, flowdeck.ErrNotFound) {
		t.Fatalf("missing run: %v", err)
	}
}

func TestResubmitCancelOnOff(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	e, f := firstFlow(t, fx)
	done, err := fx.pp.AddRun(e.ID, f.ID, powerplatform.RunSpec{Start: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.client.Resubmit(fx.ctx, e.ID, f.ID, done); err != nil {
		t.Fatal(err)
	}
	if n := fx.pp.Calls(powerplatform.RouteRunsResubmit); n != 1 {
		t.Fatalf("resubmit calls = %d", n)
	}
	running, _ := fx.pp.AddRun(e.ID, f.ID, powerplatform.RunSpec{Status: powerplatform.RunRunning})
	if err := fx.client.Resubmit(fx.ctx, e.ID, f.ID, running); !errors.Is(err, flowdeck.ErrConflict) {
		t.Fatalf("resubmit running: %v", err)
	}
	if err := fx.client.Cancel(fx.ctx, e.ID, f.ID, running); err != nil {
		t.Fatal(err)
	}
	if r, _ := fx.client.Run(fx.ctx, e.ID, f.ID, running); r.Status != flowdeck.RunCancelled {
		t.Fatalf("after cancel: %s", r.Status)
	}
	if err := fx.client.Cancel(fx.ctx, e.ID, f.ID, running); !errors.Is(err, flowdeck.ErrConflict) {
		t.Fatalf("cancel twice: %v", err)
	}
	if err := fx.client.TurnOff(fx.ctx, e.ID, f.ID); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := fx.pp.FlowState(e.ID, f.ID); st != powerplatform.StateStopped {
		t.Fatalf("state %s", st)
	}
	if err := fx.client.TurnOn(fx.ctx, e.ID, f.ID); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := fx.pp.FlowState(e.ID, f.ID); st != powerplatform.StateStarted {
		t.Fatalf("state %s", st)
	}
}

func TestUnclearPostIsNotRepeated(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	e, f := firstFlow(t, fx)
	// 503 on stop: not repeated; the state is re-read and was not changed.
	fx.pp.SetFault(powerplatform.RouteFlowsStop, powerplatform.Fault{Status: 503, Times: 1})
	err := fx.client.TurnOff(fx.ctx, e.ID, f.ID)
	if !errors.Is(err, flowdeck.ErrUnavailable) || errors.Is(err, upstream.ErrUnclearOutcome) || !strings.Contains(flowdeck.Message(err), "still on") {
		t.Fatalf("TurnOff on 503 = %v (%s)", err, flowdeck.Message(err))
	}
	if n := fx.pp.Calls(powerplatform.RouteFlowsStop); n != 1 {
		t.Fatalf("stop sent %d times", n)
	}
	// 504 on cancel of a running run: cancel not repeated, run still running.
	running, _ := fx.pp.AddRun(e.ID, f.ID, powerplatform.RunSpec{Status: powerplatform.RunRunning})
	fx.pp.SetFault(powerplatform.RouteRunsCancel, powerplatform.Fault{Status: 504, Times: 1})
	if err := fx.client.Cancel(fx.ctx, e.ID, f.ID, running); !errors.Is(err, flowdeck.ErrUnavailable) {
		t.Fatalf("Cancel on 504 = %v", err)
	}
	if n := fx.pp.Calls(powerplatform.RouteRunsCancel); n != 1 {
		t.Fatalf("cancel sent %d times", n)
	}
	// 502 on resubmit: no new run appeared, the error stays unclear.
	done, _ := fx.pp.AddRun(e.ID, f.ID, powerplatform.RunSpec{Start: time.Now().Add(-time.Hour)})
	fx.pp.SetFault(powerplatform.RouteRunsResubmit, powerplatform.Fault{Status: 502, Times: 1})
	if err := fx.client.Resubmit(fx.ctx, e.ID, f.ID, done); !errors.Is(err, upstream.ErrUnclearOutcome) {
		t.Fatalf("Resubmit on 502 = %v", err)
	}
	if n := fx.pp.Calls(powerplatform.RouteRunsResubmit); n != 1 {
		t.Fatalf("resubmit sent %d times", n)
	}
	if len(fx.sleep.Waits()) != 0 {
		t.Fatalf("POSTs waited to retry: %v", fx.sleep.Waits())
	}
}

func TestThrottlingHonoursRetryAfter(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	e, f := firstFlow(t, fx)
	fx.pp.SetFault(powerplatform.RouteRunsList, powerplatform.Fault{Status: 429, Times: 1, RetryAfter: 3 * time.Second})
	if _, err := fx.client.Runs(fx.ctx, e.ID, f.ID, flowdeck.RunFilter{}, ""); err != nil {
		t.Fatal(err)
	}
	if w := fx.sleep.Waits(); len(w) != 1 || w[0] != 3*time.Second {
		t.Fatalf("waits = %v, want [3s]", w)
	}
	// Throttled for longer than the retries: ErrThrottled with RetryAfter.
	fx.pp.SetFault(powerplatform.RouteRunsList, powerplatform.Fault{ThrottleAfter: 0, Status: 429, RetryAfter: 2 * time.Second})
	_, err := fx.client.Runs(fx.ctx, e.ID, f.ID, flowdeck.RunFilter{}, "")
	var fe *flowdeck.Error
	if !errors.As(err, &fe) || !errors.Is(err, flowdeck.ErrThrottled) || fe.RetryAfter != 2*time.Second || !strings.Contains(fe.Message, "2 s") {
		t.Fatalf("err = %v", err)
	}
}

func TestBadAnswers(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	e, f := firstFlow(t, fx)
	cases := []struct {
		name  string
		fault powerplatform.Fault
		kind  error
	}{
		{"truncated", powerplatform.Fault{Truncate: true}, flowdeck.ErrUnavailable},
		{"html 502", powerplatform.Fault{Status: 502}, flowdeck.ErrUnavailable},
		{"bare 500", powerplatform.Fault{Status: 500}, flowdeck.ErrUnavailable},
		{"missing scope", powerplatform.Fault{Status: 403, Code: "Forbidden", Message: "The caller does not have the required scope 'Flows.Read.All'."}, flowdeck.ErrForbidden},
		{"gone", powerplatform.Fault{Status: 404, Code: "FlowNotFound", Message: "Could not find flow."}, flowdeck.ErrNotFound},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fx.pp.SetFault(powerplatform.RouteRunsList, c.fault)
			defer fx.pp.ClearFault(powerplatform.RouteRunsList)
			_, err := fx.client.Runs(fx.ctx, e.ID, f.ID, flowdeck.RunFilter{}, "")
			if !errors.Is(err, c.kind) {
				t.Fatalf("err = %v, want %v", err, c.kind)
			}
			if flowdeck.Message(err) == "" {
				t.Fatal("no message")
			}
		})
	}
	_, err := fx.client.Runs(fx.ctx, e.ID, f.ID, flowdeck.RunFilter{}, "")
	if err != nil {
		t.Fatal(err)
	}
}

func TestWrongAudienceIsMisconfigured(t *testing.T) {
	fx := newFixture(t, fixtureOpts{swap: true})
	_, err := fx.client.Environments(fx.ctx)
	if !errors.Is(err, flowdeck.ErrMisconfigured) || !strings.Contains(flowdeck.Message(err), "FlowDeck bug") {
		t.Fatalf("err = %v", err)
	}
	var fe *flowdeck.Error
	if errors.As(err, &fe); fe.Detail["code"] != "InvalidAuthenticationAudience" {
		t.Fatalf("detail = %v", fe.Detail)
	}
}

func TestInvalidIDsSendNothing(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	env := "Default-" + fx.user.TenantID
	flow := "00000000-0000-4000-8000-000000000000"
	for _, err := range []error{
		func() error { _, err := fx.client.Flows(fx.ctx, "../../x"); return err }(),
		func() error { _, err := fx.client.Flow(fx.ctx, env, "not-a-guid"); return err }(),
		func() error { _, err := fx.client.Run(fx.ctx, env, flow, "abc/../def"); return err }(),
		fx.client.Cancel(fx.ctx, env, flow, "short"),
		func() error {
			_, err := fx.client.Runs(fx.ctx, env, flow, flowdeck.RunFilter{Status: "x' or 1 eq 1"}, "")
			return err
		}(),
		func() error { _, err := fx.client.Approvals(fx.ctx, env, "Admin", true); return err }(),
		fx.client.Respond(fx.ctx, env, "nope", "Approve", ""),
	} {
		if !errors.Is(err, flowdeck.ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	}
	if n := len(fx.pp.Requests()); n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestTurnOnUnderDLPPolicy(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	e, f := firstFlow(t, fx)
	if err := fx.client.TurnOff(fx.ctx, e.ID, f.ID); err != nil {
		t.Fatal(err)
	}
	if err := fx.pp.SetDLPPolicy(e.ID, f.ID, "Business data only"); err != nil {
		t.Fatal(err)
	}
	err := fx.client.TurnOn(fx.ctx, e.ID, f.ID)
	if !errors.Is(err, flowdeck.ErrForbidden) || !strings.Contains(flowdeck.Message(err), "data policy (DLP)") {
		t.Fatalf("TurnOn under DLP = %v (%s)", err, flowdeck.Message(err))
	}
	if n := fx.pp.Calls(powerplatform.RouteFlowsStart); n != 1 {
		t.Fatalf("start sent %d times", n)
	}
	if st, _, _ := fx.pp.FlowState(e.ID, f.ID); st != powerplatform.StateStopped {
		t.Fatalf("state %s", st)
	}
}

// TestSharedFlowsCountOnce: the search('team') list also holds the user's own
// flows shared with others; each flow counts once, and shared ones say so.
func TestSharedFlowsCountOnce(t *testing.T) {
	me, megan := demo.Users()[0], demo.Users()[1]
	env := "Default-" + me.TenantID
	now := time.Now()
	flow := func(id, name, owner string, shared ...string) *powerplatform.Flow {
		return &powerplatform.Flow{Name: id, Environment: env, DisplayName: name, OwnerID: owner, SharedWith: shared,
			State: powerplatform.StateStarted, Trigger: powerplatform.Trigger{Name: "Recurrence", Type: "Recurrence", Interval: time.Hour},
			Created: now, Modified: now}
	}
	tenant := &powerplatform.Tenant{
		Environments: []*powerplatform.Environment{{Name: env, TenantID: me.TenantID, DisplayName: "Contoso (default)", SKU: "Default", IsDefault: true, Created: now}},
		Flows: []*powerplatform.Flow{
			flow("0a000000-0000-4000-8000-000000000001", "Mine, personal", me.ID),
			flow("0a000000-0000-4000-8000-000000000002", "Mine, shared with Megan", me.ID, megan.ID),
			flow("0a000000-0000-4000-8000-000000000003", "Megan's, shared with me", megan.ID, me.ID),
			flow("0a000000-0000-4000-8000-000000000004", "Megan's, not shared", megan.ID),
		},
	}
	fx := newFixture(t, fixtureOpts{tenant: tenant})
	fs, err := fx.client.Flows(fx.ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range fs {
		if _, dup := got[f.DisplayName]; dup {
			t.Fatalf("%s listed twice", f.DisplayName)
		}
		got[f.DisplayName] = f.Shared
	}
	want := map[string]bool{"Mine, personal": false, "Mine, shared with Megan": true, "Megan's, shared with me": true}
	if !maps.Equal(got, want) {
		t.Fatalf("flows (name → shared) = %v, want %v", got, want)
	}
	// Both listings were asked, and the team one did hold the user's own shared flow.
	var team int
	for _, r := range fx.pp.Requests() {
		if r.Route == powerplatform.RouteFlowsList && strings.Contains(r.Query, "search%28%27team%27%29") {
			team++
		}
	}
	if team != 1 || fx.pp.Calls(powerplatform.RouteFlowsList) != 2 {
		t.Fatalf("flows.list calls = %d (team %d), want one of each listing", fx.pp.Calls(powerplatform.RouteFlowsList), team)
	}
}
