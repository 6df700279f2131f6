package server

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// The dashboard at scale: 10 environments × 1,000 flows, 300 ms per upstream
// call, benchInFlight calls of the user in flight.
const (
	scaleLatency  = 300 * time.Millisecond
	benchInFlight = 32
)

// benchClock is a clock the benchmark moves.
type benchClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *benchClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *benchClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// scaleTab is the tab API over the big tenant, served over real HTTP, with
// snapshots in SQLite and ops and the Overview on clk.
type scaleTab struct {
	cloud *cloudtest.Cloud
	url   string
	tok   string
	ov    *powerautomate.Overview
	flows int // the flows the user lists
}

func newScaleTab(b *testing.B, clk *benchClock, o ops.Options) *scaleTab {
	b.Helper()
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 10, FlowsPerEnvironment: 1000, RunsPerFlow: 8, Seed: 19, Now: time.Now()})
	cloud, opts, tok := tabDeps(b, cloudtest.Options{Tenant: tenant, PerUserInFlight: benchInFlight})
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	st, err := sqlstore.Open(b.Context(), sqlstore.Options{URL: b.TempDir() + "/snap.db", Keyring: k})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ov := powerautomate.NewOverview(cloud.Flows, powerautomate.OverviewOptions{Now: clk.now, Concurrency: benchInFlight})
	o.Flows, o.Overview, o.Apps, o.Subscriptions, o.Snapshots, o.Now = cloud.Flows, ov, cloud.Apps, st, st, clk.now
	opts.Ops = ops.New(o)
	s, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	b.Cleanup(srv.Close)
	all, err := ov.AllFlows(cloudtest.As(cloudtest.Adele()))
	if err != nil {
		b.Fatal(err)
	}
	return &scaleTab{cloud: cloud, url: srv.URL, tok: tok, ov: ov, flows: len(all.Flows)}
}

// open reads GET /api/dashboard/live and returns when the first and the
// last line came, and the kind of the first.
func (st *scaleTab) open(b *testing.B, query string) (first, last time.Duration, firstKind string) {
	b.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, st.url+"/api/dashboard/live?"+query, nil)
	req.Header.Set("Authorization", "Bearer "+st.tok)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d", resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n := 0
	for sc.Scan() {
		if n == 0 {
			first = time.Since(start)
			firstKind = string(sc.Bytes()[:min(len(sc.Bytes()), 30)])
		}
		n++
	}
	if err := sc.Err(); err != nil || n == 0 {
		b.Fatalf("stream: %d lines, %v", n, err)
	}
	return first, time.Since(start), firstKind
}

// slowAll puts the latency on every route the dashboard uses.
func slowAll(pp *powerplatform.Server, d time.Duration) {
	for _, r := range []string{powerplatform.RouteEnvironmentsList, powerplatform.RouteFlowsList, powerplatform.RouteRunsList,
		powerplatform.RouteActionsList, powerplatform.RouteActionsGet, powerplatform.RouteContentGet, powerplatform.RouteApprovalsList, powerplatform.RouteConnectionsList,
		powerplatform.RoutePAEnvironmentsList, powerplatform.RouteBAPEnvironmentsList} {
		pp.SetFault(r, powerplatform.Fault{Latency: d})
	}
}

// BenchmarkDashboardAtScale: 10 environments × 1,000 flows, 300 ms per call.
//   - first-render: an open with a snapshot: the time to the snapshot's
//     line, ms (the line goes out before any live query starts).
//   - refresh: a full live refresh with cold caches, to its last line, ms,
//     beside its lower bound: the calls it made ÷ 32 in flight × 300 ms.
//   - budget: the tab opened every 10 s for 5 minutes of simulated time (no
//     latency): upstream calls ÷ the flows the user lists.
func BenchmarkDashboardAtScale(b *testing.B) {
	b.Run("first-render", func(b *testing.B) {
		clk := &benchClock{t: time.Now()}
		st := newScaleTab(b, clk, ops.Options{})
		st.open(b, "window=24h") // the snapshot
		slowAll(st.cloud.PP, scaleLatency)
		st.cloud.PP.ResetRequests()
		// The snapshot line goes out before the live query starts, so
		// whether one follows does not change this time; a fresh snapshot
		// keeps the runs short (nothing follows).
		var took []time.Duration
		for b.Loop() {
			first, _, kind := st.open(b, "window=24h")
			if kind[:20] != `{"kind":"snapshot","` {
				b.Fatalf("first line %q, want the snapshot", kind)
			}
			took = append(took, first)
		}
		if n := len(st.cloud.PP.Requests()); n != 0 {
			b.Fatalf("%d upstream calls while the snapshot was fresh", n)
		}
		b.ReportMetric(float64(median(took).Microseconds())/1000, "first-render-ms")
	})
	b.Run("refresh", func(b *testing.B) {
		clk := &benchClock{t: time.Now()}
		st := newScaleTab(b, clk, ops.Options{})
		slowAll(st.cloud.PP, scaleLatency)
		var took []time.Duration
		calls := 0
		for b.Loop() {
			clk.add(ops.DefaultSnapshotFresh)
			st.ov.Forget(cloudtest.As(cloudtest.Adele()))
			st.cloud.PP.ResetRequests()
			_, last, _ := st.open(b, "window=24h")
			took = append(took, last)
			calls = len(st.cloud.PP.Requests())
		}
		bound := time.Duration(float64(calls) / benchInFlight * float64(scaleLatency))
		med := median(took)
		b.ReportMetric(float64(med.Milliseconds()), "refresh-ms")
		b.ReportMetric(float64(bound.Milliseconds()), "bound-ms")
		b.ReportMetric(float64(med)/float64(bound), "x-bound")
		b.ReportMetric(float64(calls), "calls/refresh")
		b.Logf("%d flows listed, %d calls, refresh %v, lower bound %v", st.flows, calls, med, bound)
	})
	b.Run("budget", func(b *testing.B) {
		clk := &benchClock{t: time.Now()}
		st := newScaleTab(b, clk, ops.Options{})
		var perFlow float64
		for b.Loop() {
			clk.add(time.Hour)
			st.ov.Forget(cloudtest.As(cloudtest.Adele()))
			st.cloud.PP.ResetRequests()
			for range 30 { // every 10 s for 5 minutes
				st.open(b, "window=24h")
				clk.add(10 * time.Second)
			}
			perFlow = float64(len(st.cloud.PP.Requests())) / float64(st.flows)
		}
		b.ReportMetric(perFlow, "calls/flow/5min")
		b.ReportMetric(float64(st.flows), "flows")
	})
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}
