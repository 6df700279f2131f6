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
	svc := ops.New(ops.Options{Flows: cloud.Flows, Overview: cloud.Overview, Apps: cloud.Apps, Subscriptions: st, Jobs: st})

	adele := cloudtest.Adele()
	uctx := cloudtest.As(adele)
	d, err := svc.Dashboard(uctx, "7d")
	if err != nil || len(d.Failing) == 0 {
		t.Fatalf("dashboard: %v, %d failing", err, len(d.Failing))
	}
	f := d.Failing[0].Flow
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

	w, err := bulkjob.New(bulkjob.Options{Store: st, Runs: svc, Tick: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	w.Start()
	t.Cleanup(func() { w.Close(ctx) })
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		got, err := st.GetBulkJob(ctx, adele.TenantID, adele.ID, j.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == flowdeck.JobDone {
			if got.OK != 2 || got.Unknown != 1 || got.Failed != 0 {
				t.Fatalf("job = %+v, want 2 ok and 1 unknown", got)
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("the job did not finish")
		case <-tick.C:
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
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
