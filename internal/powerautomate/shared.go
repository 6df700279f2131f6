package powerautomate

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// One user's failure queries share one upstream pass: a query that finds a
// pass of the same user running, or finished less than OverviewOptions.Fresh
// ago, over a window that covers its own, takes its answer from that pass
// instead of asking Power Automate again. So the tab, the bot's `failed` and
// the flows list opened together cost one call per flow, not three.

// flightTimeout bounds one shared pass; it runs on even when the caller that
// started it goes away, so that the others waiting on it get their answer.
const flightTimeout = 5 * time.Minute

// flight is one upstream pass over a user's failures since a time, reusing
// reads of flows younger than maxAge.
type flight struct {
	since  time.Time
	start  time.Time
	maxAge time.Duration

	mu      sync.Mutex
	got     []FlowFailures // as they arrive
	changed chan struct{}  // closed and replaced on every arrival
	done    bool
	rep     FailureReport
	err     error
}

// add records one flow's failures and wakes the readers.
func (f *flight) add(ff FlowFailures) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.got = append(f.got, ff)
	close(f.changed)
	f.changed = make(chan struct{})
}

// finish records the answer and wakes the readers.
func (f *flight) finish(rep FailureReport, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rep, f.err, f.done = rep, err, true
	close(f.changed)
}

// flights are the passes of every user, running or recently finished.
type flights struct {
	mu sync.Mutex
	m  map[string][]*flight
}

// join returns a pass of the principal (key) that covers since and is running
// (reusing nothing older than maxAge) or fresh (started less than fresh ago,
// its oldest part younger than maxAge), or starts one with run.
func (fl *flights) join(key string, since, now time.Time, fresh, maxAge time.Duration, run func(*flight)) *flight {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if fl.m == nil {
		fl.m = map[string][]*flight{}
	}
	// Drop what is stale, failed or partial (its missing environments are
	// asked again); keep the rest.
	fl.m[key] = slices.DeleteFunc(fl.m[key], func(f *flight) bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.done && (f.err != nil || len(f.rep.Partial) > 0 || now.Sub(f.start) >= fresh)
	})
	for _, f := range fl.m[key] {
		if !f.since.After(since) && f.serves(now, maxAge) {
			return f
		}
	}
	f := &flight{since: since, start: now, maxAge: maxAge, changed: make(chan struct{})}
	fl.m[key] = append(fl.m[key], f)
	go run(f)
	return f
}

// serves reports whether the pass is no older than maxAge allows: when
// running, it reuses nothing older; when done, its oldest part is younger.
func (f *flight) serves(now time.Time, maxAge time.Duration) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return now.Sub(f.rep.AsOf) < maxAge
	}
	return f.maxAge <= maxAge
}

// forget drops the principal's passes.
func (fl *flights) forget(key string) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	delete(fl.m, key)
}

// principalKey is "tenant/user", or "" without a principal.
func principalKey(ctx context.Context) string {
	p, ok := flowdeck.PrincipalFrom(ctx)
	if !ok {
		return ""
	}
	return p.TenantID + "/" + p.UserID
}

// FailuresEach is Failures that also hands each flow's failures to each as
// they arrive (without the failed action, which the final report adds), so a
// caller can show the first failures while the rest load. It shares the pass
// of the user's other queries (see Fresh); each is called from the caller's
// goroutine only. A nil each only waits for the report.
func (ov *Overview) FailuresEach(ctx context.Context, since time.Time, each func(FlowFailures)) (FailureReport, error) {
	return ov.FailuresWithin(ctx, since, ov.o.Fresh, each)
}

// FailuresWithin is FailuresEach that may also answer from what the user's
// other queries (the monitor's cycle among them) read less than maxAge ago —
// at most FailedRunsKeep: a flow's failed runs, or a whole pass. The report's
// AsOf says how old its oldest part is. A caller that would serve an answer
// up to 5 minutes old anyway (the tab's snapshot) passes that, and Refresh
// its shorter bound.
func (ov *Overview) FailuresWithin(ctx context.Context, since time.Time, maxAge time.Duration, each func(FlowFailures)) (FailureReport, error) {
	maxAge = min(max(maxAge, 0), FailedRunsKeep)
	key := principalKey(ctx)
	if key == "" {
		return ov.failures(ctx, since, maxAge, nil)
	}
	f := ov.flights.join(key, since, ov.o.Now(), ov.o.Fresh, maxAge, func(f *flight) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flightTimeout)
		defer cancel()
		rep, err := ov.failures(fctx, f.since, f.maxAge, f.add)
		f.finish(rep, err)
	})
	next := 0
	for {
		f.mu.Lock()
		arrived, changed, done, rep, err := f.got[next:], f.changed, f.done, f.rep, f.err
		f.mu.Unlock()
		next += len(arrived)
		if each != nil {
			for _, ff := range arrived {
				if ff, ok := within(ff, since); ok {
					each(ff)
				}
			}
		}
		if done {
			if err != nil {
				return FailureReport{}, err
			}
			return narrow(rep, since), nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return FailureReport{}, ctx.Err()
		}
	}
}

// within returns ff narrowed to the failures that started at since or later.
func within(ff FlowFailures, since time.Time) (FlowFailures, bool) {
	if ff.Latest.StartTime.Before(since) {
		return FlowFailures{}, false
	}
	kept := slices.DeleteFunc(slices.Clone(ff.Starts), func(t time.Time) bool { return t.Before(since) })
	if len(kept) < len(ff.Starts) {
		ff.Count, ff.More = len(kept), false
	}
	ff.Starts = kept
	return ff, true
}

// narrow returns rep for a window starting at since, not before rep.Since.
func narrow(rep FailureReport, since time.Time) FailureReport {
	if !since.After(rep.Since) {
		return rep
	}
	out := rep
	out.Since, out.Flows = since, nil
	for _, ff := range rep.Flows {
		if ff, ok := within(ff, since); ok {
			out.Flows = append(out.Flows, ff)
		}
	}
	return out
}
