package storetest

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// testBulkJobPause: a run released after a failed sign-in is pending again;
// a paused job is not unfinished (the worker leaves it), resumes only for
// its user and only when paused, into the state it was paused in; a job
// paused too long ends with its waiting runs failed, unless resumed first.
func testBulkJobPause(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	j, _, err := s.CreateBulkJob(ctx, bulkJob("key-1", flowdeck.ScopeSelection), bulkItems(4))
	must(t, "CreateBulkJob", err)
	for _, id := range []string{"RUN00000000", "RUN00000001"} {
		if won, err := s.ClaimBulkItem(ctx, j.ID, id); err != nil || !won {
			t.Fatalf("ClaimBulkItem %s = %v, %v", id, won, err)
		}
	}
	must(t, "FinishBulkItem", s.FinishBulkItem(ctx, j.ID, "RUN00000000", flowdeck.ItemOK, "", ""))
	must(t, "ReleaseBulkItem", s.ReleaseBulkItem(ctx, j.ID, "RUN00000001"))
	must(t, "ReleaseBulkItem of a finished run", s.ReleaseBulkItem(ctx, j.ID, "RUN00000000"))
	items, err := s.BulkItems(ctx, j.ID)
	must(t, "BulkItems", err)
	if items[0].State != flowdeck.ItemOK || items[1].State != flowdeck.ItemPending {
		t.Fatalf("after release: %s, %s; want ok, pending", items[0].State, items[1].State)
	}
	if won, err := s.ClaimBulkItem(ctx, j.ID, "RUN00000001"); err != nil || !won {
		t.Fatalf("ClaimBulkItem of a released run = %v, %v; want a win", won, err)
	}
	must(t, "ReleaseBulkItem again", s.ReleaseBulkItem(ctx, j.ID, "RUN00000001"))

	// A failed-scope job pauses while resolving, and resumes resolving.
	clk.Advance(time.Second)
	f, _, err := s.CreateBulkJob(ctx, bulkJob("key-2", flowdeck.ScopeFailed), nil)
	must(t, "CreateBulkJob failed scope", err)

	pausedAt := clk.Advance(time.Minute)
	must(t, "PauseBulkJob", s.PauseBulkJob(ctx, j.ID, "Sign in again."))
	must(t, "PauseBulkJob resolving", s.PauseBulkJob(ctx, f.ID, "Sign in again to find the runs."))
	wantKind(t, "PauseBulkJob twice", s.PauseBulkJob(ctx, j.ID, "again"), flowdeck.ErrConflict)
	got, err := s.GetBulkJob(ctx, "tenant-1", "user-1", j.ID)
	must(t, "GetBulkJob", err)
	if got.State != flowdeck.JobPaused || got.Message != "Sign in again." || got.Total-got.Done != 3 {
		t.Fatalf("paused job = %+v; want paused with its message and 3 runs waiting", got)
	}
	wantTime(t, "paused UpdatedAt", got.UpdatedAt, pausedAt)
	if u, err := s.UnfinishedBulkJobs(ctx, 10); err != nil || len(u) != 0 {
		t.Fatalf("UnfinishedBulkJobs with only paused jobs = %d, %v; want none", len(u), err)
	}

	_, err = s.ResumeBulkJob(ctx, "tenant-1", "user-2", j.ID)
	wantKind(t, "ResumeBulkJob of another user's job", err, flowdeck.ErrNotFound)
	_, err = s.ResumeBulkJob(ctx, "tenant-1", "user-1", "missing")
	wantKind(t, "ResumeBulkJob of a missing job", err, flowdeck.ErrNotFound)
	r, err := s.ResumeBulkJob(ctx, "tenant-1", "user-1", j.ID)
	must(t, "ResumeBulkJob", err)
	if r.State != flowdeck.JobRunning || r.Message != "" {
		t.Fatalf("resumed job = %+v; want running, no message", r)
	}
	_, err = s.ResumeBulkJob(ctx, "tenant-1", "user-1", j.ID)
	wantKind(t, "ResumeBulkJob of a running job", err, flowdeck.ErrConflict)
	rf, err := s.ResumeBulkJob(ctx, "tenant-1", "user-1", f.ID)
	must(t, "ResumeBulkJob resolving", err)
	if rf.State != flowdeck.JobResolving {
		t.Fatalf("resumed failed-scope job = %s; want resolving", rf.State)
	}
	if u, err := s.UnfinishedBulkJobs(ctx, 10); err != nil || len(u) != 2 {
		t.Fatalf("UnfinishedBulkJobs after resume = %d, %v; want 2", len(u), err)
	}

	// Paused again; a week later it ends, its waiting runs failed; a job
	// resumed in the meantime is left alone.
	must(t, "PauseBulkJob again", s.PauseBulkJob(ctx, j.ID, "Sign in again."))
	clk.Advance(time.Hour)
	must(t, "PauseBulkJob the other", s.PauseBulkJob(ctx, f.ID, "Sign in again."))
	week := 7 * 24 * time.Hour
	if n, err := s.ExpirePausedBulkJobs(ctx, week, 10, "Not resumed.", "not_resumed", "Not tried."); err != nil || n != 0 {
		t.Fatalf("ExpirePausedBulkJobs before a week = %d, %v; want 0", n, err)
	}
	clk.Advance(week - 30*time.Minute)
	if n, err := s.ExpirePausedBulkJobs(ctx, week, 10, "Not resumed.", "not_resumed", "Not tried."); err != nil || n != 1 {
		t.Fatalf("ExpirePausedBulkJobs after a week = %d, %v; want the one paused first", n, err)
	}
	got, err = s.GetBulkJob(ctx, "tenant-1", "user-1", j.ID)
	must(t, "GetBulkJob expired", err)
	if got.State != flowdeck.JobDone || got.Message != "Not resumed." || got.OK != 1 || got.Failed != 3 || got.Done != 4 {
		t.Fatalf("expired job = %+v; want done, 1 ok and 3 failed", got)
	}
	items, err = s.BulkItems(ctx, j.ID)
	must(t, "BulkItems expired", err)
	if it := items[1]; it.State != flowdeck.ItemFailed || it.Code != "not_resumed" || it.Message != "Not tried." {
		t.Fatalf("a waiting run of an expired job = %+v", it)
	}
	_, err = s.ResumeBulkJob(ctx, "tenant-1", "user-1", j.ID)
	wantKind(t, "ResumeBulkJob of an ended job", err, flowdeck.ErrConflict)
	if n, err := s.ExpirePausedBulkJobs(ctx, week, 0, "", "", ""); err != nil || n != 0 {
		t.Fatalf("ExpirePausedBulkJobs limit 0 = %d, %v", n, err)
	}
	if got, _ := s.GetBulkJob(ctx, "tenant-1", "user-1", f.ID); got.State != flowdeck.JobPaused {
		t.Fatalf("the job paused later = %s, want still paused", got.State)
	}
}

// testBulkJobRetention: done jobs are deleted with their runs once they
// finished longer ago than asked, a batch at a time; unfinished and paused
// jobs, however old, are kept.
func testBulkJobRetention(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	var done []flowdeck.BulkJob
	for i, key := range []string{"key-1", "key-2", "key-3"} {
		j, _, err := s.CreateBulkJob(ctx, bulkJob(key, flowdeck.ScopeSelection), bulkItems(3))
		must(t, "CreateBulkJob", err)
		clk.Advance(time.Duration(i+1) * time.Hour)
		must(t, "SetBulkJobState done", s.SetBulkJobState(ctx, j.ID, flowdeck.JobDone, false, ""))
		done = append(done, j)
	}
	running, _, err := s.CreateBulkJob(ctx, bulkJob("key-4", flowdeck.ScopeSelection), bulkItems(2))
	must(t, "CreateBulkJob running", err)
	paused, _, err := s.CreateBulkJob(ctx, bulkJob("key-5", flowdeck.ScopeSelection), bulkItems(2))
	must(t, "CreateBulkJob paused", err)
	must(t, "PauseBulkJob", s.PauseBulkJob(ctx, paused.ID, "Sign in again."))

	keep := 30 * 24 * time.Hour
	// The first finished 30 days ago less a second: kept.
	clk.Advance(keep - 2*time.Hour - 3*time.Hour - time.Second)
	if n, err := s.DeleteFinishedBulkJobs(ctx, keep, 10); err != nil || n != 0 {
		t.Fatalf("DeleteFinishedBulkJobs before 30 days = %d, %v; want 0", n, err)
	}
	clk.Advance(6 * time.Hour) // all three finished more than 30 days ago
	if n, err := s.DeleteFinishedBulkJobs(ctx, keep, 2); err != nil || n != 2 {
		t.Fatalf("DeleteFinishedBulkJobs batch of 2 = %d, %v; want 2", n, err)
	}
	for i, j := range done {
		_, err := s.GetBulkJob(ctx, "tenant-1", "user-1", j.ID)
		items, ierr := s.BulkItems(ctx, j.ID)
		must(t, "BulkItems", ierr)
		if i < 2 {
			wantKind(t, "GetBulkJob of a deleted job", err, flowdeck.ErrNotFound)
			if len(items) != 0 {
				t.Fatalf("a deleted job kept %d runs", len(items))
			}
		} else if err != nil || len(items) != 3 {
			t.Fatalf("the newest done job, beyond the batch: %v, %d runs; want kept", err, len(items))
		}
	}
	if n, err := s.DeleteFinishedBulkJobs(ctx, keep, 10); err != nil || n != 1 {
		t.Fatalf("DeleteFinishedBulkJobs next batch = %d, %v; want 1", n, err)
	}
	clk.Advance(365 * 24 * time.Hour)
	if n, err := s.DeleteFinishedBulkJobs(ctx, keep, 10); err != nil || n != 0 {
		t.Fatalf("DeleteFinishedBulkJobs of unfinished jobs = %d, %v; want 0", n, err)
	}
	for _, j := range []flowdeck.BulkJob{running, paused} {
		if _, err := s.GetBulkJob(ctx, "tenant-1", "user-1", j.ID); err != nil {
			t.Fatalf("an unfinished job was deleted: %v", err)
		}
	}
}
