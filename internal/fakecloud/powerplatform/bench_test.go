package powerplatform

import (
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// BenchmarkGenerate builds 10 environments × 100 flows × 50 runs.
func BenchmarkGenerate(b *testing.B) {
	spec := Spec{Environments: 10, FlowsPerEnvironment: 100, RunsPerFlow: 50, Approvals: 100, Seed: 1, Now: testNow}
	for b.Loop() {
		Generate(spec)
	}
}

// BenchmarkListRunsPage1000 lists one page of 1,000 runs (from the middle of
// a 20,000-run history, via a skiptoken) over HTTPS on loopback.
func BenchmarkListRunsPage1000(b *testing.B) {
	u := demo.UsersOf(demo.TenantID)[:1]
	tn := Generate(Spec{Environments: 1, FlowsPerEnvironment: 1, RunsPerFlow: 20000, Seed: 7, Now: testNow, Users: u})
	fx := newFixture(b, Options{Tenant: tn, PageSize: 1000})
	tok := fx.mint(u[0], DefaultFlowAudience, allFlowScopes, nil)
	first := fx.get(fx.flowsURL(envDefault)+"/"+tn.Flows[0].Name+"/runs"+av, tok, 200)
	next := first["nextLink"].(string)
	b.ResetTimer()
	for b.Loop() {
		m := fx.get(next, tok, 200)
		if len(values(m)) != 1000 {
			b.Fatal("short page")
		}
	}
}

// BenchmarkListRunsFiltered lists a filtered page (status and startTime)
// of the same 20,000-run history over HTTPS.
func BenchmarkListRunsFiltered(b *testing.B) {
	u := demo.UsersOf(demo.TenantID)[:1]
	tn := Generate(Spec{Environments: 1, FlowsPerEnvironment: 1, RunsPerFlow: 20000, Seed: 7, Now: testNow, Users: u})
	fx := newFixture(b, Options{Tenant: tn, PageSize: 1000})
	tok := fx.mint(u[0], DefaultFlowAudience, allFlowScopes, nil)
	url := fx.flowsURL(envDefault) + "/" + tn.Flows[0].Name + "/runs" + av + "&$filter=status+eq+'Failed'+and+startTime+ge+2026-02-01T00:00:00Z"
	for b.Loop() {
		fx.get(url, tok, 200)
	}
}
