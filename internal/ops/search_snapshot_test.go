package ops_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// gate holds every upstream request of the replica it serves until opened;
// a request whose context ends first fails. asked counts the requests it saw.
type gate struct {
	base  http.RoundTripper
	open  chan struct{}
	asked atomic.Int64
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	g.asked.Add(1)
	select {
	case <-g.open:
		return g.base.RoundTrip(r)
	case <-r.Context().Done():
		return nil, r.Context().Err()
	}
}

// clock is a settable ops clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// snapshotWorld is the demo cloud, one store, a replica whose overview cache
// is warm and a replica (another FlowDeck instance, same store) whose
// overview starts cold and whose upstream calls wait at g.
type snapshotWorld struct {
	cloud      *cloudtest.Cloud
	store      *sqlstore.Store
	clock      *clock
	warm, cold *ops.Service
	g          *gate
}

func newSnapshotWorld(t *testing.T) *snapshotWorld {
	t.Helper()
	w := &snapshotWorld{clock: &clock{t: time.Now()}}
	w.cloud = cloudtest.New(t, cloudtest.Options{Now: w.clock.now}) // one clock: ops compares the overview's times with its own
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	if w.store, err = sqlstore.Open(t.Context(), sqlstore.Options{URL: filepath.Join(t.TempDir(), "fd.db"), Keyring: k}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.store.Close() })
	w.warm = ops.New(ops.Options{Flows: w.cloud.Flows, Overview: w.cloud.Overview, Apps: w.cloud.Apps, Subscriptions: w.store,
		Snapshots: w.store, Now: w.clock.now})
	w.g = &gate{base: w.cloud.HTTP.Transport, open: make(chan struct{})}
	base, err := url.Parse(w.cloud.PP.FlowURL())
	if err != nil {
		t.Fatal(err)
	}
	flows := powerautomate.New(powerautomate.Options{BaseURL: base, HTTP: &http.Client{Transport: w.g}})
	w.cold = ops.New(ops.Options{Flows: flows, Overview: powerautomate.NewOverview(flows, powerautomate.OverviewOptions{Now: w.clock.now}),
		Apps: w.cloud.Apps, Subscriptions: w.store, Snapshots: w.store, Now: w.clock.now})
	t.Cleanup(w.cold.WaitRefreshes)
	t.Cleanup(w.warm.WaitRefreshes)
	t.Cleanup(w.openGate)
	return w
}

func (w *snapshotWorld) openGate() {
	select {
	case <-w.g.open:
	default:
		close(w.g.open)
	}
}

// bounded is ctx cut short, so that a search held at the gate fails rather than hangs.
func bounded(t *testing.T, ctx context.Context) context.Context {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ids(hits []ops.SearchHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, hitID(h))
	}
	return out
}

func TestSearchColdCacheAnswersFromSnapshotAndRefreshesOnce(t *testing.T) {
	w := newSnapshotWorld(t)
	adele := cloudtest.Adele()
	ctx := cloudtest.As(adele)
	w.cloud.PP.ResetRequests()
	live, err := w.warm.Search(ctx, ops.SearchFlows, "", 0, ops.MaxSearchResults)
	if err != nil || len(live.Hits) == 0 {
		t.Fatalf("live search: %d hits, %v", len(live.Hits), err)
	}
	onePass := w.cloud.PP.Calls(powerplatform.RouteFlowsList) // the flow lists of every environment (shared ones too)
	first, err := w.store.GetSnapshot(ctx, adele.TenantID, adele.ID, "flows")
	if err != nil {
		t.Fatalf("a live search kept no flows snapshot: %v", err)
	}
	// A change upstream the snapshot does not know yet.
	stopped := live.Hits[0].Flow
	if err := w.cloud.PP.SetFlowState(stopped.EnvironmentID, stopped.ID, powerplatform.StateStopped, ""); err != nil {
		t.Fatal(err)
	}
	w.clock.add(time.Hour)
	w.cloud.PP.ResetRequests()

	// Many searches on the cold replica, every upstream call held: all answer
	// from the snapshot, so none waits for upstream.
	var wg sync.WaitGroup
	results := make([]ops.SearchResult, 20)
	errs := make([]error, len(results))
	for i := range results {
		wg.Go(func() {
			results[i], errs[i] = w.cold.Search(bounded(t, ctx), ops.SearchFlows, "", 0, ops.MaxSearchResults)
		})
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil || !slices.Equal(ids(results[i].Hits), ids(live.Hits)) {
			t.Fatalf("cold search %d = %v, %v; want the snapshot's %v", i, ids(results[i].Hits), errs[i], ids(live.Hits))
		}
	}
	if got := len(w.cloud.PP.Requests()); got != 0 {
		t.Fatalf("%d upstream requests while the gate was shut", got)
	}

	// One refresh was started for all of them: one pass over the environments.
	w.openGate()
	w.cold.WaitRefreshes()
	if got := w.cloud.PP.Calls(powerplatform.RouteFlowsList); got != onePass {
		t.Errorf("%d flow lists asked by the refresh, want %d (one pass over the environments)", got, onePass)
	}
	var newer flowdeck.FlowsReport
	sn, err := w.store.GetSnapshot(ctx, adele.TenantID, adele.ID, "flows")
	if err != nil || !sn.AsOf.After(first.AsOf) || json.Unmarshal(sn.Body, &newer) != nil {
		t.Fatalf("refresh kept %v (after %v), %v", sn.AsOf, first.AsOf, err)
	}
	i := slices.IndexFunc(newer.Flows, func(f flowdeck.Flow) bool { return f.ID == stopped.ID })
	if i < 0 || newer.Flows[i].State != flowdeck.FlowStopped {
		t.Errorf("refreshed snapshot does not show %s stopped", stopped.DisplayName)
	}

	// The refresh warmed the replica's overview: the next search asks nothing.
	w.cloud.PP.ResetRequests()
	again, err := w.cold.Search(ctx, ops.SearchFlows, "", 0, ops.MaxSearchResults)
	if err != nil || len(again.Hits) == 0 || len(w.cloud.PP.Requests()) != 0 {
		t.Errorf("warm search: %d hits, %v, %d upstream requests", len(again.Hits), err, len(w.cloud.PP.Requests()))
	}
}

func TestSearchSnapshotIsTheUsersOwn(t *testing.T) {
	w := newSnapshotWorld(t)
	adele, megan := cloudtest.Adele(), demo.Users()[1]
	marker, err := json.Marshal(flowdeck.FlowsReport{Flows: []flowdeck.Flow{{ID: "marker", EnvironmentID: "env", DisplayName: "Adele's snapshot only"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tenant := range []string{adele.TenantID, "00000000-0000-0000-0000-00000000abcd"} {
		if err := w.store.PutSnapshot(t.Context(), flowdeck.Snapshot{TenantID: tenant, UserID: adele.ID, Kind: "flows", AsOf: w.clock.now(), Body: marker}); err != nil {
			t.Fatal(err)
		}
	}
	w.openGate()
	// Megan, same tenant, has no snapshot: her search is live, her own.
	got, err := w.cold.Search(cloudtest.As(megan), ops.SearchFlows, "", 0, ops.MaxSearchResults)
	if err != nil || slices.Contains(ids(got.Hits), "marker//") || len(w.cloud.PP.Requests()) == 0 {
		t.Errorf("Megan's search = %v, %v (%d upstream requests)", ids(got.Hits), err, len(w.cloud.PP.Requests()))
	}
	// Adele of another tenant (same user id) is someone else too.
	other := adele
	other.TenantID = "00000000-0000-0000-0000-00000000beef"
	otherCtx := flowdeck.WithPrincipal(context.Background(), flowdeck.Principal{TenantID: other.TenantID, UserID: other.ID, Name: other.Name, UPN: other.UPN})
	if got, err := w.cold.Search(bounded(t, otherCtx), ops.SearchFlows, "", 0, ops.MaxSearchResults); slices.Contains(ids(got.Hits), "marker//") {
		t.Errorf("a user of another tenant saw Adele's snapshot: %v, %v", ids(got.Hits), err)
	}
	// Adele herself gets her snapshot.
	if got, err := w.cold.Search(cloudtest.As(adele), ops.SearchFlows, "", 0, ops.MaxSearchResults); err != nil || !slices.Equal(ids(got.Hits), []string{"marker//"}) {
		t.Errorf("Adele's search = %v, %v; want her snapshot", ids(got.Hits), err)
	}
}

func TestSearchFailedFromDashboardSnapshot(t *testing.T) {
	w := newSnapshotWorld(t)
	adele := cloudtest.Adele()
	ctx := cloudtest.As(adele)
	d, err := w.warm.Dashboard(ctx, "7d")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, ff := range d.Failing {
		want = append(want, ff.Flow.ID+"/"+ff.Latest.ID+"/")
	}
	if len(want) == 0 {
		t.Fatal("no failing flows in the demo tenant")
	}
	w.clock.add(ops.DefaultSnapshotFresh) // stale: answered, and refreshed behind
	w.cloud.PP.ResetRequests()
	got, err := w.cold.Search(bounded(t, ctx), ops.SearchFailed, "", 0, ops.MaxSearchResults)
	if err != nil || len(w.cloud.PP.Requests()) != 0 {
		t.Fatalf("failed search: %v, %d upstream requests", err, len(w.cloud.PP.Requests()))
	}
	slices.Sort(want)
	gotIDs := ids(got.Hits)
	slices.Sort(gotIDs)
	if !slices.Equal(gotIDs, want[:min(len(want), ops.MaxSearchResults)]) {
		t.Errorf("failed search = %v, want the dashboard's %v", gotIDs, want)
	}
	for _, h := range got.Hits {
		if h.Kind != ops.SearchFailed || h.Run.Status != flowdeck.RunFailed || h.Count < 1 {
			t.Errorf("hit %+v", h)
		}
	}
	w.openGate()
	w.cold.WaitRefreshes()
	if again, ok, err := w.cold.DashboardSnapshot(ctx, "7d"); err != nil || !ok || !again.AsOf.After(d.AsOf) {
		t.Errorf("the stale 7-day snapshot was not refreshed: %v %v %v", again.AsOf, ok, err)
	}
}

func TestCloseRefreshesCancelsAndStartsNoMore(t *testing.T) {
	w := newSnapshotWorld(t)
	adele := cloudtest.Adele()
	ctx := cloudtest.As(adele)
	if _, err := w.warm.Search(ctx, ops.SearchFlows, "", 0, ops.MaxSearchResults); err != nil {
		t.Fatal(err)
	}
	first, err := w.store.GetSnapshot(ctx, adele.TenantID, adele.ID, "flows")
	if err != nil {
		t.Fatal(err)
	}
	w.clock.add(time.Hour)
	// The refresh this search starts waits at the shut gate until cancelled.
	if _, err := w.cold.Search(bounded(t, ctx), ops.SearchFlows, "", 0, ops.MaxSearchResults); err != nil {
		t.Fatal(err)
	}
	if err := w.cold.CloseRefreshes(bounded(t, t.Context())); err != nil {
		t.Fatalf("CloseRefreshes = %v, want the held refresh cancelled", err)
	}
	w.openGate()
	w.cloud.PP.ResetRequests()
	if got, err := w.cold.Search(ctx, ops.SearchFlows, "", 0, ops.MaxSearchResults); err != nil || len(got.Hits) == 0 {
		t.Fatalf("search after close: %v", err)
	}
	w.cold.WaitRefreshes()
	if n := len(w.cloud.PP.Requests()); n != 0 {
		t.Errorf("%d upstream requests: a refresh started after CloseRefreshes", n)
	}
	if sn, err := w.store.GetSnapshot(ctx, adele.TenantID, adele.ID, "flows"); err != nil || !sn.AsOf.Equal(first.AsOf) {
		t.Errorf("snapshot %v, %v; the cancelled refresh should keep none", sn.AsOf, err)
	}
}

func TestLiveFlowListsKeepTheSnapshotOncePerSnapshotFresh(t *testing.T) {
	w := newSnapshotWorld(t)
	adele := cloudtest.Adele()
	ctx := cloudtest.As(adele)
	// A replica whose overview caches nothing: every list is read live (the monitor's cycles).
	nocache := ops.New(ops.Options{Flows: w.cloud.Flows, Apps: w.cloud.Apps, Subscriptions: w.store, Snapshots: w.store, Now: w.clock.now,
		Overview: powerautomate.NewOverview(w.cloud.Flows, powerautomate.OverviewOptions{CacheTTL: time.Nanosecond, Fresh: time.Nanosecond})})
	asOf := func() time.Time {
		t.Helper()
		if _, err := nocache.AllFlows(ctx); err != nil {
			t.Fatal(err)
		}
		sn, err := w.store.GetSnapshot(ctx, adele.TenantID, adele.ID, "flows")
		if err != nil {
			t.Fatal(err)
		}
		return sn.AsOf
	}
	first := asOf()
	w.clock.add(ops.DefaultSnapshotFresh - time.Second)
	if got := asOf(); !got.Equal(first) {
		t.Errorf("kept again after %v: %v, want %v", ops.DefaultSnapshotFresh-time.Second, got, first)
	}
	w.clock.add(time.Second)
	if got := asOf(); !got.After(first) {
		t.Errorf("not kept after %v: %v", ops.DefaultSnapshotFresh, got)
	}
}
