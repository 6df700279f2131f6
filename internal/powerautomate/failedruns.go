package powerautomate

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Every read of a flow's failed runs — by a failure pass of the tab, the
// bot or the failures list, or by the monitor's cycle — is kept for a while
// per user, so that the others reuse it instead of asking Power Automate for
// the same flow again: the monitor watching a user's flows and the tab kept
// open by the same user cost one call per flow per 5 minutes between them,
// not one each.

// FailedRunsKeep is the longest a read of a flow's failed runs is reused: the
// tab's snapshot freshness (ops.DefaultSnapshotFresh), beyond which its
// answer would be asked again anyway.
const FailedRunsKeep = 5 * time.Minute

// failedRead is the first page of a flow's failed runs since since, read at at.
type failedRead struct {
	at, since time.Time
	page      RunPage
}

func flowKey(env, flowID string) string { return strings.ToLower(env) + "/" + strings.ToLower(flowID) }

// getFailed returns the kept read of the flow, if any.
func (e *cacheEntry) getFailed(key string) (failedRead, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, ok := e.failed[key]
	return r, ok
}

// putFailed keeps r as the flow's read, unless a later one is kept, and drops
// the reads older than FailedRunsKeep.
func (e *cacheEntry) putFailed(key string, r failedRead) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.failed == nil {
		e.failed = map[string]failedRead{}
	}
	if now := e.now(); now.Sub(e.failedSwept) >= FailedRunsKeep { // once per keep, not on every put
		for k, old := range e.failed {
			if now.Sub(old.at) >= FailedRunsKeep {
				delete(e.failed, k)
			}
		}
		e.failedSwept = now
	}
	if old, ok := e.failed[key]; ok && old.at.After(r.at) {
		return
	}
	e.failed[key] = r
}

// FailedRuns returns the first page of the flow's failed runs that started at
// since or later, newest first: from a read of the user's queries made less
// than maxAge ago (at most OverviewOptions.Fresh) over a window that covers
// since, else from Power Automate (one call), kept for the others. A caller
// that asks periodically passes less than its period, so that its own last
// read never answers it.
func (ov *Overview) FailedRuns(ctx context.Context, env, flowID string, since time.Time, maxAge time.Duration) (RunPage, error) {
	p, _, err := ov.failedRuns(ctx, env, flowID, since, min(maxAge, ov.o.Fresh))
	return p, err
}

// failedRuns is FailedRuns reusing a read younger than maxAge; at is when
// the page it returns was read.
func (ov *Overview) failedRuns(ctx context.Context, env, flowID string, since time.Time, maxAge time.Duration) (p RunPage, at time.Time, err error) {
	e, key, now := ov.cache.entry(ctx), flowKey(env, flowID), ov.o.Now()
	if r, ok := e.getFailed(key); ok && !r.since.After(since) && !r.at.After(now) && now.Sub(r.at) < min(maxAge, FailedRunsKeep) {
		return narrowPage(r.page, since), r.at, nil
	}
	p, err = ov.c.Runs(ctx, env, flowID, flowdeck.RunFilter{Status: flowdeck.RunFailed, Since: since}, "")
	if err != nil {
		return RunPage{}, time.Time{}, err
	}
	e.putFailed(key, failedRead{at: now, since: since, page: p})
	return narrowPage(p, since), now, nil
}

// narrowPage returns the runs of p that started at since or later; when it
// drops any, the older pages hold none either.
func narrowPage(p RunPage, since time.Time) RunPage {
	kept := slices.DeleteFunc(slices.Clone(p.Runs), func(r flowdeck.Run) bool { return r.StartTime.Before(since) })
	if len(kept) < len(p.Runs) {
		return RunPage{Runs: kept}
	}
	return RunPage{Runs: kept, Next: p.Next}
}
