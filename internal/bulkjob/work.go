package bulkjob

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// work runs one session of job j while this replica holds its lease: it
// resolves a ScopeFailed job's runs, then claims and does each pending run.
// When stop ends (Close) or the lease is lost, it claims no more runs, waits
// for the calls in flight and returns, the job unfinished, for the next
// holder.
func (w *Worker) work(stop context.Context, j flowdeck.BulkJob) {
	session, cancel := context.WithCancel(stop)
	defer cancel()
	renewed, id := make(chan struct{}), j.ID
	go func() {
		defer close(renewed)
		w.renew(session, cancel, id)
	}()
	defer func() {
		cancel()
		<-renewed
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(stop), 5*time.Second)
		defer rcancel()
		if err := w.o.Store.ReleaseLease(rctx, leaseName(id), w.o.Replica); err != nil {
			w.log.LogAttrs(rctx, slog.LevelWarn, "bulkjob: release a job's lease", slog.Any("err", err))
		}
	}()
	ctx := flowdeck.WithPrincipal(session, flowdeck.Principal{TenantID: j.TenantID, UserID: j.UserID})
	if n, err := w.o.Store.AbandonBulkItems(ctx, j.ID); err != nil {
		w.fail(ctx, "abandon the runs of a stopped replica", err)
		return
	} else if n > 0 {
		w.log.LogAttrs(ctx, slog.LevelWarn, "bulkjob: runs left working by a stopped replica are marked unknown", slog.Int("runs", n))
	}
	if j.State == flowdeck.JobResolving {
		if !w.resolve(ctx, j) {
			return
		}
		var err error
		if j, err = w.o.Store.GetBulkJob(ctx, j.TenantID, j.UserID, j.ID); err != nil {
			w.fail(ctx, "read a resolved job", err)
			return
		}
	}
	items, err := w.o.Store.BulkItems(ctx, j.ID)
	if err != nil {
		w.fail(ctx, "list a job's runs", err)
		return
	}
	// claims ends with the session, or when a run finds that the user must
	// sign in again: then no more runs are claimed and the job pauses.
	claims, signIn := context.WithCancel(ctx)
	defer signIn()
	var paused atomic.Bool
	sem := make(chan struct{}, w.o.Workers)
	var calls sync.WaitGroup
	for _, it := range items {
		if it.State != flowdeck.ItemPending {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-claims.Done():
		}
		if claims.Err() != nil {
			break
		}
		// The claim is not cut off by a stop: a claim the database made
		// while its answer was cancelled would leave the run working, and
		// so unknown, after a graceful restart.
		won, err := w.claim(ctx, j.ID, it.RunID)
		if err != nil || !won {
			<-sem
			if err != nil {
				w.fail(ctx, "claim a run", err)
				break
			}
			continue
		}
		calls.Go(func() {
			defer func() { <-sem }()
			if !w.do(ctx, j, it.RunID) {
				paused.Store(true)
				signIn()
			}
		})
	}
	calls.Wait()
	if ctx.Err() != nil {
		return
	}
	if paused.Load() {
		w.pause(ctx, j, "")
		return
	}
	if err := w.o.Store.SetBulkJobState(ctx, j.ID, flowdeck.JobDone, j.Capped, j.Message); err != nil {
		w.fail(ctx, "finish a job", err)
	}
}

// claim claims one run with a context that a stop does not cancel.
func (w *Worker) claim(ctx context.Context, jobID, runID string) (bool, error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return w.o.Store.ClaimBulkItem(cctx, jobID, runID)
}

// do makes one claimed run's call and records its answer. The call and the
// record go on when ctx ends (Close, a lost lease): a call is never cut
// off, and its answer is never lost. It reports false when the run was put
// back to pending because the user must sign in again (the job pauses).
func (w *Worker) do(ctx context.Context, j flowdeck.BulkJob, runID string) bool {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), callTimeout)
	defer cancel()
	state, code, msg := flowdeck.ItemOK, "", ""
	if err := w.o.Runs.RunAction(cctx, j.Kind, j.Env, j.FlowID, runID); err != nil {
		if signInNeeded(err) {
			// Not acted on, so the run may be tried again (at most once per
			// run still holds): these kinds come only from the upstream
			// transport's authorization, before the request is sent (the
			// token broker has no usable token: a revoked or expired
			// refresh token, consent withdrawn), or from Power Platform's
			// second 401 with a fresh token, and a 401 means the request
			// was not applied (RFC 9110 §15.5.2; upstream's refused). A
			// write whose outcome is unclear (a 5xx, a timeout) is
			// ErrUnavailable even when its re-read needs a sign-in
			// (powerautomate's Resubmit and settle), so it is never here.
			if err := w.o.Store.ReleaseBulkItem(cctx, j.ID, runID); err != nil {
				// Left working: the next session marks it unknown, never
				// calls for it twice.
				w.fail(cctx, "put a run back to pending", err)
			}
			return false
		}
		state, code, msg = flowdeck.ItemFailed, flowdeck.Code(err), flowdeck.Message(err)
	}
	if err := w.o.Store.FinishBulkItem(cctx, j.ID, runID, state, code, msg); err != nil {
		w.fail(cctx, "record a run's result", err)
	}
	return true
}

// signInNeeded reports whether err means that the user must sign in (or
// consent) again before FlowDeck can act for them (as the monitor's
// tokenDead).
func signInNeeded(err error) bool {
	switch flowdeck.KindOf(err) {
	case flowdeck.ErrUnauthenticated, flowdeck.ErrInteractionRequired, flowdeck.ErrConsentRequired:
		return true
	}
	return false
}

// pause pauses job j until its user signs in again and resumes it; why
// tells the user what waits ("" counts the runs not done yet).
func (w *Worker) pause(ctx context.Context, j flowdeck.BulkJob, why string) {
	if why == "" {
		why = "the runs not done yet are waiting"
		if got, err := w.o.Store.GetBulkJob(ctx, j.TenantID, j.UserID, j.ID); err == nil {
			n := got.Total - got.Done
			why = fmt.Sprintf("%d runs are waiting", n)
			if n == 1 {
				why = "1 run is waiting"
			}
		}
	}
	msg := "FlowDeck needs you to sign in again to finish this job: " + why + ". Sign in, then press Resume."
	if err := w.o.Store.PauseBulkJob(ctx, j.ID, msg); err != nil {
		w.fail(ctx, "pause a job", err)
		return
	}
	w.log.LogAttrs(ctx, slog.LevelInfo, "bulkjob: the job's user must sign in again; the job is paused")
}

// resolve finds the failed runs of a ScopeFailed job, page by page, newest
// first, up to MaxRuns, and moves the job to running. It reports whether the
// job may go on: on a passing failure (throttled, unavailable, stopped) the
// job stays resolving for the next session; any other failure ends the job
// with its message.
func (w *Worker) resolve(ctx context.Context, j flowdeck.BulkJob) bool {
	f := flowdeck.RunFilter{Status: flowdeck.RunFailed, Since: j.Since, Until: j.Until, Top: 50}
	found, cursor := 0, ""
	for {
		page, err := w.o.Runs.Runs(ctx, j.Env, j.FlowID, f, cursor)
		if err != nil {
			switch {
			case ctx.Err() != nil:
			case flowdeck.KindOf(err) == flowdeck.ErrThrottled || flowdeck.KindOf(err) == flowdeck.ErrUnavailable:
				w.log.LogAttrs(ctx, slog.LevelWarn, "bulkjob: list a job's runs; trying again later", slog.String("code", flowdeck.Code(err)))
			case signInNeeded(err):
				// Resumed, the job resolves again from the first page (the
				// runs found so far are kept once each).
				w.pause(ctx, j, "it has not found all the failed runs yet")
			default:
				if err := w.o.Store.SetBulkJobState(ctx, j.ID, flowdeck.JobDone, false, flowdeck.Message(err)); err != nil {
					w.fail(ctx, "end a job", err)
				}
			}
			return false
		}
		var items []flowdeck.BulkItem
		capped := false
		for _, r := range page.Runs {
			// The listing's filter is upstream's; the window is checked again here.
			if r.Status != flowdeck.RunFailed || r.StartTime.Before(j.Since) || !r.StartTime.Before(j.Until) {
				continue
			}
			if found == w.o.MaxRuns {
				capped = true
				break
			}
			items = append(items, flowdeck.BulkItem{RunID: r.ID, Start: r.StartTime, Status: r.Status})
			found++
		}
		if err := w.o.Store.AddBulkItems(ctx, j.ID, items); err != nil {
			w.fail(ctx, "add a job's runs", err)
			return false
		}
		if cursor = page.Next; capped || cursor == "" {
			return w.resolved(ctx, j, capped)
		}
	}
}

// resolved moves a resolved job to running.
func (w *Worker) resolved(ctx context.Context, j flowdeck.BulkJob, capped bool) bool {
	if err := w.o.Store.SetBulkJobState(ctx, j.ID, flowdeck.JobRunning, capped, ""); err != nil {
		w.fail(ctx, "start a job", err)
		return false
	}
	return true
}

// renew renews the job's lease every Tick until ctx ends; when the lease
// cannot be renewed it cancels the session (cancel), which claims no more.
func (w *Worker) renew(ctx context.Context, cancel context.CancelFunc, id string) {
	t := time.NewTicker(w.o.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := w.o.Store.ClaimLease(ctx, leaseName(id), w.o.Replica, w.o.LeaseTTL); err != nil {
			if ctx.Err() == nil {
				w.log.LogAttrs(ctx, slog.LevelWarn, "bulkjob: a job's lease is lost; its session stops", slog.Any("err", err))
			}
			cancel()
			return
		}
	}
}

// fail logs a store failure unless the worker is stopping.
func (w *Worker) fail(ctx context.Context, what string, err error) {
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return
	}
	w.log.LogAttrs(ctx, slog.LevelWarn, "bulkjob: "+what, slog.Any("err", err))
}
