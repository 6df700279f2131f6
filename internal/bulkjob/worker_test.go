package bulkjob_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/bulkjob"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// resubmits counts the fake's resubmit requests by run name.
func resubmits(pp *powerplatform.Server) map[string]int {
	out := map[string]int{}
	for _, r := range pp.Requests() {
		if r.Route == powerplatform.RouteRunsResubmit {
			parts := strings.Split(strings.TrimSuffix(r.Path, "/resubmit"), "/")
			out[parts[len(parts)-1]]++
		}
	}
	return out
}

// TestWorkerLeavesACrashedClaimUnknown: a run claimed by a replica that
// died before its answer is never called for again: the next holder of the
// job's lease marks it unknown and does the other runs, once each, as the
// job's user. A late answer of the dead replica is still recorded.
func TestWorkerLeavesACrashedClaimUnknown(t *testing.T) {
	ctx := t.Context()
	cloud, st, svc := setup(t)
	adele := cloudtest.Adele()
	uctx := cloudtest.As(adele)
	f := failingFlow(t, svc)
	page, err := svc.Runs(uctx, f.EnvironmentID, f.ID, flowdeck.RunFilter{Status: flowdeck.RunFailed, Top: 5}, "")
	if err != nil || len(page.Runs) < 3 {
		t.Fatalf("failed runs: %v, %d", err, len(page.Runs))
	}
	req := ops.JobRequest{Key: uuid.NewString(), Kind: flowdeck.BulkResubmit, Env: f.EnvironmentID, FlowID: f.ID}
	for _, r := range page.Runs[:3] {
		req.Runs = append(req.Runs, ops.JobRun{ID: r.ID, Start: r.StartTime, Status: r.Status})
	}
	j, err := svc.CreateJob(uctx, req)
	if err != nil {
		t.Fatal(err)
	}
	crashed := page.Runs[0].ID
	if won, err := st.ClaimBulkItem(ctx, j.ID, crashed); err != nil || !won {
		t.Fatalf("the dead replica's claim: %v, %v", won, err)
	}
	got := runJob(t, st, svc, 0, j)
	if got.OK != 2 || got.Unknown != 1 || got.Failed != 0 {
		t.Fatalf("job = %+v, want 2 ok and 1 unknown", got)
	}
	n := resubmits(cloud.PP)
	if n[crashed] != 0 || n[page.Runs[1].ID] != 1 || n[page.Runs[2].ID] != 1 {
		t.Fatalf("resubmits = %v; want none of the crashed claim %s and one of each other run", n, crashed)
	}
	if err := st.FinishBulkItem(ctx, j.ID, crashed, flowdeck.ItemOK, "", ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.GetBulkJob(ctx, adele.TenantID, adele.ID, j.ID); got.OK != 3 || got.Unknown != 0 {
		t.Fatalf("after the late answer: %+v, want 3 ok", got)
	}
}

// TestWorkerCapsEveryFailedRun: a job of every failed run of a window takes
// the newest MaxRuns of them and says it left the others out.
func TestWorkerCapsEveryFailedRun(t *testing.T) {
	cloud, st, svc := setup(t)
	uctx := cloudtest.As(cloudtest.Adele())
	f := failingFlow(t, svc)
	j, err := svc.CreateJob(uctx, ops.JobRequest{Key: uuid.NewString(), Kind: flowdeck.BulkResubmit, Env: f.EnvironmentID, FlowID: f.ID, Window: "28d"})
	if err != nil {
		t.Fatal(err)
	}
	got := runJob(t, st, svc, 2, j)
	if got.Total != 2 || got.OK != 2 || !got.Capped || got.Scope != flowdeck.ScopeFailed {
		t.Fatalf("job = %+v, want 2 runs resubmitted and capped", got)
	}
	if n := resubmits(cloud.PP); len(n) != 2 {
		t.Fatalf("resubmits = %v, want 2 runs", n)
	}
}

// failingFlow is one of Adele's failing flows.
func failingFlow(t *testing.T, svc *ops.Service) flowdeck.Flow {
	t.Helper()
	d, err := svc.Dashboard(cloudtest.As(cloudtest.Adele()), "7d")
	if err != nil || len(d.Failing) == 0 {
		t.Fatalf("dashboard: %v, %d failing", err, len(d.Failing))
	}
	return d.Failing[0].Flow
}

// runJob runs a worker (maxRuns 0: the default) until job j is done, closes it and returns the job.
func runJob(t *testing.T, st *sqlstore.Store, svc *ops.Service, maxRuns int, j flowdeck.BulkJob) flowdeck.BulkJob {
	t.Helper()
	ctx := t.Context()
	w, err := bulkjob.New(bulkjob.Options{Store: st, Runs: svc, Tick: 20 * time.Millisecond, MaxRuns: maxRuns})
	if err != nil {
		t.Fatal(err)
	}
	w.Start()
	defer func() {
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	a := cloudtest.Adele()
	for {
		got, err := st.GetBulkJob(ctx, a.TenantID, a.ID, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == flowdeck.JobDone {
			return got
		}
		select {
		case <-ctx.Done():
			t.Fatal("the job did not finish")
		case <-tick.C:
		}
	}
}

// setup is the local cloud, a SQLite store and the real ops over them.
func setup(t *testing.T) (*cloudtest.Cloud, *sqlstore.Store, *ops.Service) {
	t.Helper()
	ctx := t.Context()
	cloud := cloudtest.New(t, cloudtest.Options{})
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlstore.Open(ctx, sqlstore.Options{URL: filepath.Join(t.TempDir(), "fd.db"), Keyring: k})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return cloud, st, ops.New(ops.Options{Flows: cloud.Flows, Overview: cloud.Overview, Apps: cloud.Apps, Subscriptions: st, Jobs: st})
}
