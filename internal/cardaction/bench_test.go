package cardaction_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// benchPool is how many fresh approvals a benchmark can answer; run it with
// -benchtime at most that many iterations (e.g. -benchtime 50x).
const benchPool = 400

var allRoutes = []string{
	powerplatform.RouteEnvironmentsList, powerplatform.RouteEnvironmentsGet, powerplatform.RouteFlowsList, powerplatform.RouteFlowsGet,
	powerplatform.RouteFlowsStart, powerplatform.RouteFlowsStop, powerplatform.RouteTriggersList, powerplatform.RouteRunsList,
	powerplatform.RouteRunsGet, powerplatform.RouteRunsCancel, powerplatform.RouteRunsResubmit, powerplatform.RouteActionsList,
	powerplatform.RouteActionsGet, powerplatform.RouteApprovalsList, powerplatform.RouteApprovalsGet, powerplatform.RouteApprovalsResponses,
	powerplatform.RouteApprovalsRespond, powerplatform.RouteAppsList, powerplatform.RouteAppsGet, powerplatform.RouteConnectionsList,
	powerplatform.RoutePAEnvironmentsList, powerplatform.RoutePAEnvironmentsGet, powerplatform.RouteBAPEnvironmentsList, powerplatform.RouteBAPEnvironmentsGet,
}

// benchTenant is the demo tenant plus benchPool pending approvals for Adele.
func benchTenant() *powerplatform.Tenant {
	t := powerplatform.Demo(time.Now())
	adele := cloudtest.Adele().ID
	var tmpl *powerplatform.Approval
	for _, a := range t.Approvals {
		if a.Status == powerplatform.ApprovalPending && slices.Contains(a.Approvers, adele) {
			tmpl = a
			break
		}
	}
	for i := range benchPool {
		c := *tmpl
		c.Name = fmt.Sprintf("0b0b0b0b-0000-4000-8000-%012d", i)
		c.Type, c.Options, c.Approvers, c.Responses = powerplatform.ApprovalBasic, []string{"Approve", "Reject"}, []string{adele}, nil
		t.Approvals = append(t.Approvals, &c)
	}
	return t
}

// BenchmarkRespondWithUpstreamLatency times approval.respond from the Teams
// client's invoke to the answered card (the card updated in place included),
// with 40 ms latency on every Power Platform route. It reports p50 and p95.
func BenchmarkRespondWithUpstreamLatency(b *testing.B) {
	f := newFixture(b, fixtureOptions{tenant: benchTenant(), fast: true})
	adele := cloudtest.Adele()
	f.signIn(b, adele)
	if b.N > benchPool {
		b.Fatalf("b.N = %d is more than the %d approvals: use -benchtime %dx or less", b.N, benchPool, benchPool)
	}
	env := defaultEnv(b, f)
	ids := make([]string, b.N)
	as := make([]flowdeck.Approval, b.N)
	for i := range b.N {
		a, err := f.ops.Approval(cloudtest.As(adele), env, fmt.Sprintf("0b0b0b0b-0000-4000-8000-%012d", i))
		check(b, err)
		as[i] = a
		ids[i], err = f.h.PostApproval(b.Context(), f.personal(adele), a, nil)
		check(b, err)
	}
	for _, r := range allRoutes {
		f.cloud.PP.SetFault(r, powerplatform.Fault{Latency: 40 * time.Millisecond})
	}
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		ans := f.act(b, adele, ids[i], cards.VerbApprovalRespond, approvalData(as[i], "Approve", "bench"), true)
		took = append(took, time.Since(start))
		if ans.Type != "application/vnd.microsoft.card.adaptive" {
			b.Fatalf("answer %s %s", ans.Type, ans.Value)
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(took[(len(took)*95)/100].Milliseconds()), "p95-ms")
}

// defaultEnv is the environment of the bench approvals.
func defaultEnv(tb testing.TB, f *fixture) string {
	tb.Helper()
	a, err := f.cloud.PP.Approval("0b0b0b0b-0000-4000-8000-000000000000")
	check(tb, err)
	return a.Environment
}
