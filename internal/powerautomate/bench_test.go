package powerautomate_test

import (
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
)

const benchLatency = 40 * time.Millisecond

func benchFixture(b *testing.B) *fixture {
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 10, FlowsPerEnvironment: 100, RunsPerFlow: 30, Seed: 11, Now: time.Now()})
	fx := newFixture(b, fixtureOpts{tenant: tenant, inFlight: 4})
	fx.pp.SetFault(powerplatform.RouteRunsList, powerplatform.Fault{Latency: benchLatency})
	fx.pp.SetFault(powerplatform.RouteFlowsList, powerplatform.Fault{Latency: benchLatency})
	return fx
}

// report prints the median of the iterations against the lower bound
// (latency-bound calls ÷ 4 × 40 ms) and the number of upstream calls.
func report(b *testing.B, fx *fixture, took []time.Duration, iters int) {
	slow := (fx.pp.Calls(powerplatform.RouteRunsList) + fx.pp.Calls(powerplatform.RouteFlowsList)) / iters
	all := len(fx.pp.Requests()) / iters
	slices.Sort(took)
	med := took[len(took)/2]
	bound := time.Duration(float64(slow) / 4 * float64(benchLatency))
	b.ReportMetric(float64(all), "calls/op")
	b.ReportMetric(float64(med.Milliseconds()), "median-ms")
	b.ReportMetric(float64(bound.Milliseconds()), "bound-ms")
	b.ReportMetric(float64(med)/float64(bound), "x-bound")
	b.Logf("%d iterations: median %v, lower bound %v (%d latency-bound calls ÷ 4 × 40 ms), ratio %.2f, %d upstream calls per query",
		len(took), med, bound, slow, float64(med)/float64(bound), all)
}

// BenchmarkFailures24h: failures in the last 24 h across 10 environments ×
// 100 flows, cold cache, 40 ms per runs/flows call, 4 calls in flight.
func BenchmarkFailures24h(b *testing.B) {
	fx := benchFixture(b)
	fx.pp.ResetRequests()
	var took []time.Duration
	iters := 0
	for b.Loop() {
		ov := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{})
		start := time.Now()
		if _, err := ov.Failures(fx.ctx, time.Now().Add(-24*time.Hour)); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		iters++
	}
	report(b, fx, took, iters)
}

// BenchmarkFailures24hWarm repeats the query with a warm cache: runs calls only.
func BenchmarkFailures24hWarm(b *testing.B) {
	fx := benchFixture(b)
	ov := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{CacheTTL: time.Hour})
	if _, err := ov.Failures(fx.ctx, time.Now().Add(-24*time.Hour)); err != nil {
		b.Fatal(err)
	}
	fx.pp.ResetRequests()
	var took []time.Duration
	iters := 0
	for b.Loop() {
		start := time.Now()
		if _, err := ov.Failures(fx.ctx, time.Now().Add(-24*time.Hour)); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
		iters++
	}
	report(b, fx, took, iters)
}
