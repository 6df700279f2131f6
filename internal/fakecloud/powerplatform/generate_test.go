package powerplatform

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func TestGenerateDeterministic(t *testing.T) {
	spec := Spec{Environments: 4, FlowsPerEnvironment: 30, RunsPerFlow: 20, Approvals: 25, Seed: 42, Now: testNow}
	a, b := Generate(spec), Generate(spec)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same spec, different tenants")
	}
	spec.Seed = 43
	if c := Generate(spec); reflect.DeepEqual(a, c) {
		t.Fatal("different seeds, same tenant")
	}
	if len(a.Environments) != 4 || len(a.Flows) != 120 || len(a.Approvals) != 25 {
		t.Fatalf("sizes: %d envs, %d flows, %d approvals", len(a.Environments), len(a.Flows), len(a.Approvals))
	}
	states := map[string]int{}
	codes := map[string]bool{}
	types := map[string]bool{}
	for _, f := range a.Flows {
		states[f.State+"/"+f.SuspensionReason]++
		if len(f.Runs) != 20 {
			t.Fatalf("flow %s has %d runs", f.Name, len(f.Runs))
		}
		if !slices.IsSortedFunc(f.Runs, compareRuns) {
			t.Fatalf("runs of %s not sorted", f.Name)
		}
		names := map[string]bool{}
		for _, r := range f.Runs {
			if names[r.Name] || !runNameRE.MatchString(r.Name) {
				t.Fatalf("bad or repeated run name %q", r.Name)
			}
			names[r.Name] = true
			if r.Status == RunFailed {
				if r.Failure == nil || r.Failure.Action == "" || r.Failure.ActionMessage == "" {
					t.Fatalf("failed run without its failed action: %+v", r)
				}
				codes[r.Failure.Code] = true
				codes[r.Failure.ActionCode] = true
			}
			if r.StartTime.After(testNow) {
				t.Fatalf("run in the future: %v", r.StartTime)
			}
		}
	}
	for _, want := range []string{StateStarted + "/" + SuspensionNone, StateStopped + "/" + SuspensionNone, StateSuspended + "/" + SuspensionAlwaysFailingDetected} {
		if states[want] == 0 {
			t.Errorf("no %s flow in %v", want, states)
		}
	}
	for _, want := range []string{"ActionFailed", "InvalidTemplate", "Unauthorized", "BadGateway", "Throttled"} {
		if !codes[want] {
			t.Errorf("no failure with code %s in %v", want, codes)
		}
	}
	pending, completed := 0, 0
	for _, ap := range a.Approvals {
		types[ap.Type] = true
		switch ap.Status {
		case ApprovalPending:
			pending++
		case ApprovalCompleted:
			completed++
			if ap.Result == "" || len(ap.Responses) == 0 {
				t.Errorf("completed approval without result: %+v", ap)
			}
		}
		if len(ap.Approvers) == 0 || slices.Contains(ap.Approvers, "") {
			t.Errorf("approval %s approvers %v", ap.Name, ap.Approvers)
		}
	}
	if pending == 0 || completed == 0 || len(types) < 3 {
		t.Errorf("approvals: %d pending, %d completed, types %v", pending, completed, types)
	}
}

func TestDemoShape(t *testing.T) {
	now := testNow
	tn := Demo(now)
	me := demo.Users()[0]
	var contosoEnvs []*Environment
	for _, e := range tn.Environments {
		if e.TenantID == demo.TenantID {
			contosoEnvs = append(contosoEnvs, e)
		}
	}
	if len(contosoEnvs) != 3 || !contosoEnvs[0].IsDefault || contosoEnvs[1].SKU != "Production" || contosoEnvs[2].SKU != "Sandbox" {
		t.Fatalf("Contoso environments: %+v", contosoEnvs)
	}
	contoso, fabrikam, mine, recentFailures, sharedWithMe := 0, 0, 0, 0, 0
	envTenant := map[string]string{}
	for _, e := range tn.Environments {
		envTenant[e.Name] = e.TenantID
	}
	for _, f := range tn.Flows {
		switch envTenant[f.Environment] {
		case demo.TenantID:
			contoso++
		case demo.OtherTenantID:
			fabrikam++
		}
		if f.OwnerID != me.ID {
			if slices.Contains(f.SharedWith, me.ID) {
				sharedWithMe++
			}
			continue
		}
		mine++
		for _, r := range f.Runs {
			if r.Status == RunFailed && !r.StartTime.Before(now.Add(-24*time.Hour)) {
				recentFailures++
			}
		}
	}
	if contoso < 35 || contoso > 45 || fabrikam == 0 || mine < 10 || recentFailures < 3 || sharedWithMe == 0 {
		t.Errorf("flows: %d Contoso, %d Fabrikam, %d mine, %d recent failures of mine, %d of others shared with me",
			contoso, fabrikam, mine, recentFailures, sharedWithMe)
	}
	pendingMine := 0
	for _, a := range tn.Approvals {
		if a.Status == ApprovalPending && slices.Contains(a.Approvers, me.ID) {
			pendingMine++
		}
	}
	if pendingMine != 5 {
		t.Errorf("%d pending approvals for %s, want 5", pendingMine, me.Name)
	}
	broken := 0
	for _, c := range tn.Connections {
		if c.Status == ConnectionError {
			broken++
			if c.OwnerID != me.ID || c.ErrorCode == "" || c.ErrorMessage == "" {
				t.Errorf("broken connection %+v", c)
			}
		}
	}
	if broken != 1 {
		t.Errorf("%d broken connections, want 1", broken)
	}
	if !reflect.DeepEqual(tn, Demo(now)) {
		t.Error("Demo is not deterministic")
	}
}

// TestDemoOverHTTPS checks the demo tenant end to end: Adele's five pending
// approvals and her broken connection are served.
func TestDemoOverHTTPS(t *testing.T) {
	fx := newFixture(t, Options{})
	pending := values(fx.get(fx.srv.FlowURL()+flowPrefix+"/environments/"+envDefault+"/approvalViews"+av+
		"&$filter=properties/userRole+eq+'Approver'+and+properties/isActive+eq+'true'", fx.flowToken(adele()), 200))
	if len(pending) != 5 {
		t.Errorf("%d pending approvals over HTTPS, want 5", len(pending))
	}
	conns := values(fx.get(fx.srv.PowerAppsURL()+powerAppsPrefix+"/connections"+av+"&$filter=environment+eq+'"+envDefault+"'", fx.paToken(adele()), 200))
	errs := 0
	for _, c := range conns {
		if props(c)["statuses"].([]any)[0].(map[string]any)["status"] == ConnectionError {
			errs++
		}
	}
	if errs != 1 {
		t.Errorf("%d broken connections over HTTPS, want 1", errs)
	}
	failed := 0
	since := testNow.Add(-24 * time.Hour).Format(time.RFC3339)
	for _, env := range []string{envDefault} {
		for _, f := range values(fx.get(fx.flowsURL(env)+av, fx.flowToken(adele()), 200)) {
			runs := values(fx.get(fx.flowsURL(env)+"/"+f["name"].(string)+"/runs"+av+"&$filter=status+eq+'Failed'+and+startTime+ge+"+since, fx.flowToken(adele()), 200))
			failed += len(runs)
		}
	}
	if failed == 0 {
		t.Error("no failures in the last 24 hours in Adele's default environment")
	}
}
