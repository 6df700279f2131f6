package bot_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// latencies reports activities/s and the p50/p95/p99 time to reply.
func latencies(b *testing.B, d []time.Duration, total time.Duration) {
	slices.Sort(d)
	q := func(p float64) float64 {
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(d))/total.Seconds(), "activities/s")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

// ask sends text as Adele in a fresh personal-like conversation and waits
// for the answer at the connector (after a typing record when want is 2).
func benchAsk(b *testing.B, w *world, i int, text string, want int) time.Duration {
	u := cloudtest.Adele()
	cid := fmt.Sprintf("a:1bench%d", i)
	a := w.drv.Activity(u, "message")
	a["text"], a["textFormat"] = text, "plain"
	a["conversation"].(map[string]any)["id"] = cid
	start := time.Now()
	res, err := w.drv.Send(b.Context(), a)
	if err != nil || res.Status != http.StatusOK {
		b.Fatalf("send: %v %d", err, res.Status)
	}
	if _, err := w.conn.WaitFor(waitCtx(b), cid, want); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkHelp is one "help" end to end: driver → endpoint (channel token
// verified) → bot → reply recorded at the fake connector, over loopback TLS.
func BenchmarkHelp(b *testing.B) {
	w := newWorld(b, worldOptions{fast: true, quiet: true})
	var d []time.Duration
	i := 0
	start := time.Now()
	for b.Loop() {
		d = append(d, benchAsk(b, w, i, "help", 1))
		i++
	}
	latencies(b, d, time.Since(start))
}

// BenchmarkFailed40ms is "failed" against the demo tenant with 40 ms of
// latency on every Power Platform route and no overview cache.
func BenchmarkFailed40ms(b *testing.B) {
	w := newWorld(b, worldOptions{fast: true, quiet: true, coldCache: true})
	w.signIn(b, cloudtest.Adele())
	for _, route := range []string{powerplatform.RouteEnvironmentsList, powerplatform.RouteEnvironmentsGet, powerplatform.RouteFlowsList,
		powerplatform.RouteFlowsGet, powerplatform.RouteTriggersList, powerplatform.RouteRunsList, powerplatform.RouteRunsGet,
		powerplatform.RouteActionsList, powerplatform.RouteActionsGet, powerplatform.RouteApprovalsList, powerplatform.RouteApprovalsGet,
		powerplatform.RouteApprovalsResponses, powerplatform.RouteAppsList, powerplatform.RouteConnectionsList,
		powerplatform.RoutePAEnvironmentsList, powerplatform.RoutePAEnvironmentsGet, powerplatform.RouteBAPEnvironmentsList,
		powerplatform.RouteBAPEnvironmentsGet} {
		w.cloud.PP.SetFault(route, powerplatform.Fault{Latency: 40 * time.Millisecond})
	}
	var d []time.Duration
	i := 0
	start := time.Now()
	for b.Loop() {
		d = append(d, benchAsk(b, w, i, "failed", 2))
		i++
	}
	latencies(b, d, time.Since(start))
}
