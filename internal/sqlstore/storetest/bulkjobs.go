package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// bulkJob is a job of the suite's user.
func bulkJob(key, scope string) flowdeck.BulkJob {
	return flowdeck.BulkJob{TenantID: "tenant-1", UserID: "user-1", Key: key, Kind: flowdeck.BulkResubmit, Scope: scope,
		Env: "Default-env", FlowID: "flow-1", FlowName: "Invoice sync"}
}

// bulkItems are n runs that started a minute apart, the newest first.
func bulkItems(n int) []flowdeck.BulkItem {
	out := make([]flowdeck.BulkItem, n)
	for i := range out {
		out[i] = flowdeck.BulkItem{RunID: fmt.Sprintf("RUN%08d", i), Start: base.Add(-time.Duration(i) * time.Minute), Status: flowdeck.RunFailed}
	}
	return out
}

func testBulkJobs(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	j, created, err := s.CreateBulkJob(ctx, bulkJob("key-1", flowdeck.ScopeSelection), bulkItems(150))
	must(t, "CreateBulkJob", err)
	if !created || j.ID == "" || j.State != flowdeck.JobRunning || j.Total != 150 || j.Done != 0 {
		t.Fatalf("CreateBulkJob = %+v, created %v; want a running job of 150 runs, none done", j, created)
	}
	wantTime(t, "CreatedAt", j.CreatedAt, clk.Now())

	// The same key gives the same job and adds nothing; another user's key is theirs.
	again, created, err := s.CreateBulkJob(ctx, bulkJob("key-1", flowdeck.ScopeSelection), bulkItems(3))
	must(t, "CreateBulkJob again", err)
	if created || again.ID != j.ID || again.Total != 150 {
		t.Fatalf("CreateBulkJob with the same key = %+v, created %v; want job %s of 150 runs", again, created, j.ID)
	}
	clk.Advance(time.Second)
	other := bulkJob("key-1", flowdeck.ScopeSelection)
	other.UserID = "user-2"
	o, created, err := s.CreateBulkJob(ctx, other, bulkItems(1))
	must(t, "CreateBulkJob of another user", err)
	if !created || o.ID == j.ID {
		t.Fatalf("another user's job with the same key = %+v, created %v; want a job of its own", o, created)
	}
	_, err = s.GetBulkJob(ctx, "tenant-1", "user-2", j.ID)
	wantKind(t, "GetBulkJob of another user's job", err, flowdeck.ErrNotFound)
	_, err = s.GetBulkJob(ctx, "tenant-1", "user-1", "missing")
	wantKind(t, "GetBulkJob of a missing job", err, flowdeck.ErrNotFound)
	_, _, err = s.CreateBulkJob(ctx, flowdeck.BulkJob{TenantID: "tenant-1", UserID: "user-1"}, nil)
	wantKind(t, "CreateBulkJob without a key", err, flowdeck.ErrInvalid)

	items, err := s.BulkItems(ctx, j.ID)
	must(t, "BulkItems", err)
	if len(items) != 150 || items[0].RunID != "RUN00000000" || items[149].RunID != "RUN00000149" || items[0].State != flowdeck.ItemPending {
		t.Fatalf("BulkItems = %d items from %+v; want 150 pending, newest start first", len(items), items[0])
	}
	wantTime(t, "item Start", items[1].Start, base.Add(-time.Minute))

	// Claims: exactly one of concurrent claims of a run wins.
	wins := 0
	for _, err := range parallel(workers, func(int) error {
		won, err := s.ClaimBulkItem(ctx, j.ID, "RUN00000000")
		if err == nil && won {
			return errors.New("won")
		}
		return err
	}) {
		switch {
		case err == nil:
		case err.Error() == "won":
			wins++
		default:
			t.Fatalf("ClaimBulkItem: %v", err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d concurrent claims of one run won, want 1", wins)
	}
	must(t, "FinishBulkItem ok", s.FinishBulkItem(ctx, j.ID, "RUN00000000", flowdeck.ItemOK, "", ""))
	if won, err := s.ClaimBulkItem(ctx, j.ID, "RUN00000000"); err != nil || won {
		t.Fatalf("ClaimBulkItem of a finished run = %v, %v; want false", won, err)
	}
	// A result of a run never claimed is not recorded.
	must(t, "FinishBulkItem of a pending run", s.FinishBulkItem(ctx, j.ID, "RUN00000002", flowdeck.ItemOK, "", ""))
	wantKind(t, "FinishBulkItem pending", s.FinishBulkItem(ctx, j.ID, "RUN00000002", "bogus", "", ""), flowdeck.ErrInvalid)

	// A run working when a new holder takes over becomes unknown; a late
	// answer of its old holder still records the result.
	for _, id := range []string{"RUN00000001", "RUN00000003", "RUN00000004"} {
		if won, err := s.ClaimBulkItem(ctx, j.ID, id); err != nil || !won {
			t.Fatalf("ClaimBulkItem %s = %v, %v", id, won, err)
		}
	}
	must(t, "FinishBulkItem failed", s.FinishBulkItem(ctx, j.ID, "RUN00000001", flowdeck.ItemFailed, "Conflict", "The run is still running."))
	n, err := s.AbandonBulkItems(ctx, j.ID)
	must(t, "AbandonBulkItems", err)
	if n != 2 {
		t.Fatalf("AbandonBulkItems = %d, want 2", n)
	}
	must(t, "FinishBulkItem after abandon", s.FinishBulkItem(ctx, j.ID, "RUN00000004", flowdeck.ItemOK, "", ""))
	clk.Advance(time.Second)
	got, err := s.GetBulkJob(ctx, "tenant-1", "user-1", j.ID)
	must(t, "GetBulkJob", err)
	if got.Total != 150 || got.Done != 4 || got.OK != 2 || got.Failed != 1 || got.Unknown != 1 {
		t.Fatalf("counts = total %d done %d ok %d failed %d unknown %d; want 150, 4, 2, 1, 1", got.Total, got.Done, got.OK, got.Failed, got.Unknown)
	}
	items, err = s.BulkItems(ctx, j.ID)
	must(t, "BulkItems", err)
	if it := items[1]; it.State != flowdeck.ItemFailed || it.Code != "Conflict" || it.Message != "The run is still running." {
		t.Fatalf("failed item = %+v", it)
	}
	if items[2].State != flowdeck.ItemPending || items[3].State != flowdeck.ItemUnknown {
		t.Fatalf("items 2 and 3 = %s, %s; want pending, unknown", items[2].State, items[3].State)
	}

	// A failed-runs job resolves: it starts resolving, takes runs, is done.
	clk.Advance(time.Second)
	fj := bulkJob("key-2", flowdeck.ScopeFailed)
	fj.Since, fj.Until = base.Add(-24*time.Hour), base
	f, created, err := s.CreateBulkJob(ctx, fj, nil)
	must(t, "CreateBulkJob failed scope", err)
	if !created || f.State != flowdeck.JobResolving || f.Total != 0 {
		t.Fatalf("failed-scope job = %+v; want resolving with no runs", f)
	}
	wantTime(t, "Since", f.Since, fj.Since)
	must(t, "AddBulkItems", s.AddBulkItems(ctx, f.ID, bulkItems(120)))
	must(t, "AddBulkItems again", s.AddBulkItems(ctx, f.ID, bulkItems(130)))
	wantKind(t, "AddBulkItems to a missing job", s.AddBulkItems(ctx, "missing", bulkItems(1)), flowdeck.ErrNotFound)
	must(t, "SetBulkJobState", s.SetBulkJobState(ctx, f.ID, flowdeck.JobRunning, true, ""))
	wantKind(t, "SetBulkJobState bogus", s.SetBulkJobState(ctx, f.ID, "bogus", false, ""), flowdeck.ErrInvalid)
	wantKind(t, "SetBulkJobState missing", s.SetBulkJobState(ctx, "missing", flowdeck.JobDone, false, ""), flowdeck.ErrNotFound)

	unfinished, err := s.UnfinishedBulkJobs(ctx, 10)
	must(t, "UnfinishedBulkJobs", err)
	if len(unfinished) != 3 || unfinished[0].ID != j.ID {
		t.Fatalf("UnfinishedBulkJobs = %d jobs, want 3, oldest first", len(unfinished))
	}
	must(t, "SetBulkJobState done", s.SetBulkJobState(ctx, j.ID, flowdeck.JobDone, false, "Listing failed."))
	list, err := s.ListBulkJobs(ctx, "tenant-1", "user-1", 10)
	must(t, "ListBulkJobs", err)
	if len(list) != 2 || list[0].ID != f.ID || !list[0].Capped || list[0].Total != 130 || list[0].State != flowdeck.JobRunning || list[1].State != flowdeck.JobDone || list[1].Message != "Listing failed." {
		t.Fatalf("ListBulkJobs = %+v; want the failed-scope job (130 runs, capped) then the done one", list)
	}
	unfinished, err = s.UnfinishedBulkJobs(ctx, 10)
	must(t, "UnfinishedBulkJobs", err)
	for _, u := range unfinished {
		if u.ID == j.ID {
			t.Fatal("a done job is still unfinished")
		}
	}
}
