package ops_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

func setup(t *testing.T) (*ops.Service, *cloudtest.Cloud) {
	t.Helper()
	cloud := cloudtest.New(t, cloudtest.Options{})
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlstore.Open(t.Context(), sqlstore.Options{URL: filepath.Join(t.TempDir(), "fd.db"), Keyring: k})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return ops.New(ops.Options{Flows: cloud.Flows, Overview: cloud.Overview, Apps: cloud.Apps, Subscriptions: st}), cloud
}

func TestFlowsFilterSortPage(t *testing.T) {
	s, _ := setup(t)
	ctx := cloudtest.As(cloudtest.Adele())
	all, err := s.Flows(ctx, ops.FlowQuery{Limit: ops.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total == 0 || len(all.Items) != all.Total {
		t.Fatalf("total %d, items %d", all.Total, len(all.Items))
	}
	for i := 1; i < len(all.Items); i++ {
		if strings.ToLower(all.Items[i-1].DisplayName) > strings.ToLower(all.Items[i].DisplayName) {
			t.Fatalf("not sorted by name at %d", i)
		}
	}
	page, _ := s.Flows(ctx, ops.FlowQuery{Offset: 2, Limit: 3})
	if page.Total != all.Total || len(page.Items) != 3 || page.Items[0].ID != all.Items[2].ID {
		t.Errorf("page = %d items of %d", len(page.Items), page.Total)
	}
	off, _ := s.Flows(ctx, ops.FlowQuery{State: "off", Limit: ops.MaxPageSize})
	for _, f := range off.Items {
		if f.State == flowdeck.FlowStarted {
			t.Errorf("state=off returned %s (%s)", f.DisplayName, f.State)
		}
	}
	failing, _ := s.Flows(ctx, ops.FlowQuery{Failing: true, Sort: "failures", Desc: true, Limit: ops.MaxPageSize})
	if failing.Total == 0 {
		t.Fatal("the demo tenant has failures in the last 24 h, none found")
	}
	for i, f := range failing.Items {
		if f.Failures == 0 || i > 0 && f.Failures > failing.Items[i-1].Failures {
			t.Fatalf("failing flows not sorted by failures: %+v", failing.Items)
		}
	}
	// A week holds every failure of the last day, and more.
	week, _ := s.Flows(ctx, ops.FlowQuery{Failing: true, Window: "7d", Limit: ops.MaxPageSize})
	dayCount := map[string]int{}
	for _, f := range failing.Items {
		dayCount[f.EnvironmentID+"/"+f.ID] = f.Failures
	}
	weekTotal, dayTotal := 0, 0
	for _, f := range week.Items {
		weekTotal += f.Failures
		if f.Failures < dayCount[f.EnvironmentID+"/"+f.ID] {
			t.Errorf("%s: %d failures in 7 days, %d in 24 hours", f.DisplayName, f.Failures, dayCount[f.EnvironmentID+"/"+f.ID])
		}
	}
	for _, n := range dayCount {
		dayTotal += n
	}
	if week.Total < failing.Total || weekTotal <= dayTotal {
		t.Errorf("7 days: %d flows, %d failures; 24 hours: %d flows, %d failures", week.Total, weekTotal, failing.Total, dayTotal)
	}
	env := all.Items[0].EnvironmentName
	byEnv, _ := s.Flows(ctx, ops.FlowQuery{Environment: strings.ToUpper(env), Limit: ops.MaxPageSize})
	for _, f := range byEnv.Items {
		if f.EnvironmentName != env {
			t.Errorf("environment filter let %s through", f.EnvironmentName)
		}
	}
	for _, bad := range []ops.FlowQuery{{Sort: "size"}, {State: "asleep"}, {Limit: 500}, {Offset: -1}, {Window: "30d"}} {
		if _, err := s.Flows(ctx, bad); !errors.Is(err, flowdeck.ErrInvalid) {
			t.Errorf("%+v: err = %v, want invalid", bad, err)
		}
	}
}

func TestFindFlows(t *testing.T) {
	s, _ := setup(t)
	ctx := cloudtest.As(cloudtest.Adele())
	all, _ := s.Flows(ctx, ops.FlowQuery{Limit: ops.MaxPageSize})
	target := all.Items[0]
	for _, text := range []string{target.ID, target.DisplayName, strings.ToUpper(target.DisplayName)} {
		got, err := s.FindFlows(ctx, "", text)
		if err != nil || len(got) < 1 || got[0].ID != target.ID {
			t.Errorf("FindFlows(%q) = %v, %v", text, got, err)
		}
	}
	// A word most demo flow names share is ambiguous: several candidates, never a guess.
	word := strings.Fields(target.DisplayName)[0]
	if got, err := s.FindFlows(ctx, "", word[:min(3, len(word))]); err != nil || len(got) == 0 {
		t.Errorf("partial name: %v, %v", got, err)
	}
	if _, err := s.FindFlows(ctx, "", "no flow is called this"); !errors.Is(err, flowdeck.ErrNotFound) {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := s.FindFlows(ctx, "", "  "); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("empty name: %v", err)
	}
}

func TestDashboardOfTheDemoTenant(t *testing.T) {
	s, _ := setup(t)
	d, err := s.Dashboard(cloudtest.As(cloudtest.Adele()), "24h")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Failing) == 0 || len(d.PendingApprovals) != 5 || len(d.BrokenConnection) != 1 || len(d.Off) == 0 || len(d.Partial) != 0 {
		t.Fatalf("dashboard: %d failing, %d pending, %d broken, %d off, partial %v", len(d.Failing), len(d.PendingApprovals), len(d.BrokenConnection), len(d.Off), d.Partial)
	}
	for _, f := range d.Failing {
		sum := 0
		for _, n := range f.Trend {
			sum += n
		}
		if len(f.Trend) != ops.TrendBuckets || sum != f.Count && !f.More || f.EnvironmentName == "" {
			t.Errorf("%s: count %d, trend %v, env %q", f.Flow.DisplayName, f.Count, f.Trend, f.EnvironmentName)
		}
	}
	if _, err := s.Dashboard(cloudtest.As(cloudtest.Adele()), "1y"); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("window 1y: %v", err)
	}
}

func TestRunDetailAndBulkActions(t *testing.T) {
	s, cloud := setup(t)
	ctx := cloudtest.As(cloudtest.Adele())
	d, _ := s.Dashboard(ctx, "24h")
	f := d.Failing[0]
	detail, err := s.Run(ctx, f.Flow.EnvironmentID, f.Flow.ID, f.Latest.ID)
	if err != nil {
		t.Fatal(err)
	}
	if detail.Failed == nil || detail.Failed.ErrorMessage == "" || len(detail.Actions) == 0 {
		t.Fatalf("run detail: %+v", detail)
	}
	runs, err := s.Runs(ctx, f.Flow.EnvironmentID, f.Flow.ID, flowdeck.RunFilter{Status: flowdeck.RunFailed}, "")
	if err != nil || len(runs.Runs) == 0 {
		t.Fatalf("runs: %v %v", runs, err)
	}
	ids := []string{runs.Runs[0].ID, runs.Runs[0].ID}
	if len(runs.Runs) > 1 {
		ids = append(ids, runs.Runs[1].ID)
	}
	before := cloud.PP.Calls(powerplatform.RouteRunsResubmit)
	res, err := s.Resubmit(ctx, f.Flow.EnvironmentID, f.Flow.ID, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(ids)-1 {
		t.Fatalf("duplicate run ids were not merged: %d results", len(res))
	}
	for _, r := range res {
		if !r.OK {
			t.Errorf("resubmit %s: %s %s", r.RunID, r.Code, r.Message)
		}
	}
	if got := cloud.PP.Calls(powerplatform.RouteRunsResubmit) - before; got != len(res) {
		t.Errorf("%d resubmit calls at the fake, want %d", got, len(res))
	}
	// Cancelling a finished run reports a per-run failure, not a request failure.
	res, err = s.Cancel(ctx, f.Flow.EnvironmentID, f.Flow.ID, []string{runs.Runs[0].ID})
	if err != nil || len(res) != 1 || res[0].OK || res[0].Code != "conflict" || res[0].Message == "" {
		t.Errorf("cancel a finished run: %+v, %v", res, err)
	}
	too := make([]string, ops.MaxBulk+1)
	for i := range too {
		too[i] = strings.Repeat("A", 20) + string(rune('A'+i%26)) + strings.Repeat("B", i/26+1)
	}
	if _, err := s.Resubmit(ctx, f.Flow.EnvironmentID, f.Flow.ID, too); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("51 runs: %v", err)
	}
	if _, err := s.Resubmit(ctx, f.Flow.EnvironmentID, f.Flow.ID, []string{"../../x"}); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("bad run id: %v", err)
	}
}

func TestTurnOffShowsAtOnce(t *testing.T) {
	s, _ := setup(t)
	ctx := cloudtest.As(cloudtest.Adele())
	all, _ := s.Flows(ctx, ops.FlowQuery{State: "Started", Limit: 1})
	f := all.Items[0]
	got, err := s.SetFlowState(ctx, f.EnvironmentID, f.ID, false)
	if err != nil || got.State != flowdeck.FlowStopped {
		t.Fatalf("turn off: %+v %v", got.State, err)
	}
	again, _ := s.FindFlows(ctx, f.EnvironmentID, f.ID)
	if len(again) != 1 || again[0].State != flowdeck.FlowStopped {
		t.Errorf("listing still shows %+v: the cache was not forgotten", again)
	}
}

func TestRespondAndRespondAgain(t *testing.T) {
	s, _ := setup(t)
	ctx := cloudtest.As(cloudtest.Adele())
	rep, err := s.Approvals(ctx, flowdeck.RoleApprover, true)
	if err != nil || len(rep.Approvals) != 5 {
		t.Fatalf("pending approvals: %d, %v", len(rep.Approvals), err)
	}
	a := rep.Approvals[0]
	got, err := s.Respond(ctx, a.EnvironmentID, a.ID, a.Options[0], "Looks good")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Responses) == 0 || got.Responses[len(got.Responses)-1].Comments != "Looks good" {
		t.Errorf("responses after answering: %+v", got.Responses)
	}
	if _, err := s.Respond(ctx, a.EnvironmentID, a.ID, a.Options[0], "again"); !errors.Is(err, flowdeck.ErrConflict) {
		t.Errorf("second answer: %v, want conflict", err)
	}
	if _, err := s.Approvals(ctx, "Boss", true); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("bad role: %v", err)
	}
}

func TestConnectionsPartialResult(t *testing.T) {
	s, cloud := setup(t)
	cloud.PP.SetFault(powerplatform.RouteConnectionsList, powerplatform.Fault{Status: 403, Times: 1, Code: "EnvironmentAccessDenied", Message: "Access to the environment is denied."})
	rep, err := s.Connections(cloudtest.As(cloudtest.Adele()))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Partial) != 1 || rep.Partial[0].Name == "" || rep.Partial[0].Message == "" {
		t.Fatalf("partial = %+v", rep.Partial)
	}
	if len(rep.Connections) == 0 {
		t.Error("the environments that answered are missing")
	}
}

func TestWatchesAndSettings(t *testing.T) {
	s, _ := setup(t)
	adele, megan := cloudtest.As(cloudtest.Adele()), cloudtest.As(demo.Users()[1])
	w, err := s.Watch(adele, flowdeck.Subscription{Target: flowdeck.WatchAll})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Watch(adele, flowdeck.Subscription{Target: flowdeck.WatchAll})
	if err != nil || again.ID != w.ID {
		t.Errorf("watching twice: %v %v, want the same subscription", again.ID, err)
	}
	if _, err := s.Watch(adele, flowdeck.Subscription{Target: flowdeck.WatchFlow}); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("flow watch without a flow: %v", err)
	}
	if err := s.Unwatch(megan, w.ID); !errors.Is(err, flowdeck.ErrNotFound) {
		t.Errorf("another user's unwatch: %v, want not found", err)
	}
	if n, err := s.UnwatchAll(adele); err != nil || n != 1 {
		t.Errorf("unwatch all: %d %v", n, err)
	}
	st, err := s.Settings(adele)
	if err != nil || st.TimeZone != "UTC" {
		t.Errorf("default settings: %+v %v", st, err)
	}
	if _, err := s.SetSettings(adele, flowdeck.UserSettings{TimeZone: "Europe/Paris", DigestTime: "08:30", QuietStart: "22:00", QuietEnd: "07:00"}); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Settings(adele); st.DigestTime != "08:30" || st.TimeZone != "Europe/Paris" {
		t.Errorf("stored settings: %+v", st)
	}
	for _, c := range []struct {
		bad   flowdeck.UserSettings
		field string
	}{
		{flowdeck.UserSettings{TimeZone: "Mars/Olympus"}, "timeZone"},
		{flowdeck.UserSettings{TimeZone: "Local"}, "timeZone"},
		{flowdeck.UserSettings{TimeZone: "../../etc/passwd"}, "timeZone"},
		{flowdeck.UserSettings{DigestTime: "25:00"}, "digestTime"},
		{flowdeck.UserSettings{DigestTime: "8:30"}, "digestTime"},
		{flowdeck.UserSettings{QuietStart: "22:00"}, "quietEnd"},
		{flowdeck.UserSettings{QuietEnd: "07:00"}, "quietStart"},
		{flowdeck.UserSettings{QuietStart: "22:00", QuietEnd: "22:00"}, "quietEnd"},
		{flowdeck.UserSettings{QuietStart: "22:00", QuietEnd: "7"}, "quietEnd"},
	} {
		_, err := s.SetSettings(adele, c.bad)
		var fe *flowdeck.Error
		if !errors.Is(err, flowdeck.ErrInvalid) || !errors.As(err, &fe) || fe.Detail[ops.SettingField] != c.field {
			t.Errorf("%+v: %v (detail %v), want invalid naming %s", c.bad, err, fe, c.field)
		}
	}
	if st, _ := s.Settings(adele); st.DigestTime != "08:30" || st.TimeZone != "Europe/Paris" || st.QuietEnd != "07:00" {
		t.Errorf("a refused change altered the stored settings: %+v", st)
	}
	if _, err := s.Watches(t.Context()); !errors.Is(err, flowdeck.ErrUnauthenticated) {
		t.Errorf("no principal: %v", err)
	}
}
