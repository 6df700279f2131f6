package bulkjob

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// sweepBatch bounds how many jobs one sweep ends and how many it deletes.
const sweepBatch = 100

// CodeNotResumed is the code of a run that waited in a paused job that was
// not resumed in time.
const CodeNotResumed = "not_resumed"

// sweep ends the jobs paused for longer than PauseLimit (their waiting runs
// failed: the user may retry them) and deletes the jobs finished longer
// than Keep ago, at most sweepBatch of each. Every replica sweeps; both are
// conditional, so that sweeping twice does nothing more.
func (w *Worker) sweep(ctx context.Context) {
	limit := days(w.o.PauseLimit)
	ended, err := w.o.Store.ExpirePausedBulkJobs(ctx, w.o.PauseLimit, sweepBatch,
		"Not resumed within "+limit+": the runs still waiting were not tried; they are listed as failed, and you can retry them.",
		CodeNotResumed, "Not resumed within "+limit+"; FlowDeck did not try this run.")
	if err != nil {
		w.fail(ctx, "end the jobs paused too long", err)
	} else if ended > 0 {
		w.log.LogAttrs(ctx, slog.LevelInfo, "bulkjob: paused jobs not resumed in time ended", slog.Int("jobs", ended))
	}
	deleted, err := w.o.Store.DeleteFinishedBulkJobs(ctx, w.o.Keep, sweepBatch)
	if err != nil {
		w.fail(ctx, "delete old finished jobs", err)
	} else if deleted > 0 {
		w.log.LogAttrs(ctx, slog.LevelInfo, "bulkjob: old finished jobs deleted", slog.Int("jobs", deleted))
	}
}

// days says d in words: "7 days", "1 day", or as a duration when it is not
// whole days.
func days(d time.Duration) string {
	switch {
	case d == 24*time.Hour:
		return "1 day"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
