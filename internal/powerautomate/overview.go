package powerautomate

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The cross-environment operations live here, next to the client they
// compose, so that the bot, the tab and the monitor share one implementation
// (they reach it through their own ports) without a package of its own that
// would only re-export this client.

// The report types are the domain's (flowdeck), so that surfaces can use
// them without importing this client.
type (
	// EnvError names an environment whose part of an answer is missing.
	EnvError = flowdeck.EnvError
	// FlowFailures is one flow's failures in a window.
	FlowFailures = flowdeck.FlowFailures
	// FailureReport is the answer of Failures.
	FailureReport = flowdeck.FailureReport
	// FlowsReport is a list of flows across environments.
	FlowsReport = flowdeck.FlowsReport
	// ApprovalsReport is a list of approvals across environments.
	ApprovalsReport = flowdeck.ApprovalsReport
)

func envError(e flowdeck.Environment, err error) EnvError {
	return EnvError{EnvironmentID: e.ID, Name: e.DisplayName, Err: err, Message: flowdeck.Message(err), Code: flowdeck.Code(err)}
}

// OverviewOptions configure an Overview.
type OverviewOptions struct {
	// Concurrency bounds the calls one query starts at once (default 8); the
	// transport's per-user limit applies underneath.
	Concurrency int
	// CacheTTL is how long environments and flow lists are reused (default 2 min).
	CacheTTL time.Duration
	// CacheSize bounds the principals cached (default 1000).
	CacheSize int
	// FailedActions is how many flows' latest failure get their failed action
	// looked up (default 10; < 0: none).
	FailedActions int
	// Fresh is how long a finished failure query of a user answers that
	// user's next ones (default 1 min; see FailuresEach).
	Fresh time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// MaxFailuresPerFlow caps the failed runs counted per flow (two pages).
const MaxFailuresPerFlow = 2 * MaxPageSize

// Overview answers questions across every environment of the user.
type Overview struct {
	c       *Client
	o       OverviewOptions
	cache   *cache
	flights flights
}

// NewOverview returns an Overview on c.
func NewOverview(c *Client, o OverviewOptions) *Overview {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.CacheTTL <= 0 {
		o.CacheTTL = 2 * time.Minute
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 1000
	}
	if o.FailedActions == 0 {
		o.FailedActions = 10
	}
	if o.Fresh <= 0 {
		o.Fresh = time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Overview{c: c, o: o, cache: newCache(o.CacheSize, o.CacheTTL, o.Now)}
}

// environments returns the user's environments, cached.
func (ov *Overview) environments(ctx context.Context) ([]flowdeck.Environment, error) {
	e := ov.cache.entry(ctx)
	if envs, ok := e.getEnvs(); ok {
		return envs, nil
	}
	envs, err := ov.c.Environments(ctx)
	if err != nil {
		return nil, err
	}
	e.putEnvs(envs)
	return envs, nil
}

// flows returns env's flows, cached.
func (ov *Overview) flows(ctx context.Context, env string) ([]flowdeck.Flow, error) {
	e := ov.cache.entry(ctx)
	if fs, ok := e.getFlows(env); ok {
		return fs, nil
	}
	fs, err := ov.c.Flows(ctx, env)
	if err != nil {
		return nil, err
	}
	e.putFlows(env, fs)
	return fs, nil
}

// flowsEach is flows that hands each the flows as they arrive: the cached
// list at once, or each page of a live listing (which it then caches).
func (ov *Overview) flowsEach(ctx context.Context, env string, each func([]flowdeck.Flow)) ([]flowdeck.Flow, error) {
	e := ov.cache.entry(ctx)
	if fs, ok := e.getFlows(env); ok {
		each(fs)
		return fs, nil
	}
	fs, err := ov.c.FlowsEach(ctx, env, each)
	if err != nil {
		return nil, err
	}
	e.putFlows(env, fs)
	return fs, nil
}

// forEachEnv runs fn for every environment concurrently and collects the
// failed ones.
func (ov *Overview) forEachEnv(ctx context.Context, fn func(ctx context.Context, e flowdeck.Environment, sem chan struct{}) error) ([]EnvError, error) {
	envs, err := ov.environments(ctx)
	if err != nil {
		return nil, err
	}
	sem := make(chan struct{}, ov.o.Concurrency)
	var (
		mu      sync.Mutex
		partial []EnvError
		wg      sync.WaitGroup
	)
	for _, e := range envs {
		wg.Go(func() {
			if err := fn(ctx, e, sem); err != nil {
				mu.Lock()
				partial = append(partial, envError(e, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.SortFunc(partial, func(a, b EnvError) int { return cmp.Compare(a.Name, b.Name) })
	return partial, nil
}

func acquire(ctx context.Context, sem chan struct{}) error {
	select {
	case sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Failures finds the failed runs since t of every Started flow in every
// environment: per flow the count and the latest failure, with its failed
// action for the first FailedActions flows. Environments and flow lists come
// from the cache when fresh, so a repeat query only asks for runs; a query
// shortly after another of the same user shares its answer (FailuresEach).
func (ov *Overview) Failures(ctx context.Context, since time.Time) (FailureReport, error) {
	return ov.FailuresEach(ctx, since, nil)
}

// failures is one upstream pass; arrived, when set, gets each flow's
// failures as they come. The runs of a page of flows are asked as soon as
// the page arrives, while the environment's next page loads.
func (ov *Overview) failures(ctx context.Context, since time.Time, maxAge time.Duration, arrived func(FlowFailures)) (FailureReport, error) {
	rep := FailureReport{Since: since, AsOf: ov.o.Now()}
	var mu sync.Mutex
	partial, err := ov.forEachEnv(ctx, func(ctx context.Context, e flowdeck.Environment, sem chan struct{}) error {
		var (
			wg    sync.WaitGroup
			first error
			fmu   sync.Mutex
		)
		fail := func(err error) {
			fmu.Lock()
			defer fmu.Unlock()
			first = cmp.Or(first, err)
		}
		// page queues the runs of a page's Started flows; it does not wait
		// for a slot, so the next page is asked meanwhile.
		page := func(fs []flowdeck.Flow) {
			wg.Go(func() {
				for _, f := range fs {
					if f.State == flowdeck.FlowSuspended && f.SuspensionReason == "AlwaysFailingDetected" {
						mu.Lock()
						rep.Failing = append(rep.Failing, f)
						mu.Unlock()
						continue
					}
					if f.State != flowdeck.FlowStarted {
						continue
					}
					if err := acquire(ctx, sem); err != nil {
						fail(err)
						return
					}
					wg.Go(func() {
						defer func() { <-sem }()
						ff, ok, at, err := ov.flowFailures(ctx, f, since, maxAge)
						if err != nil {
							fail(err)
							return
						}
						mu.Lock()
						if at.Before(rep.AsOf) {
							rep.AsOf = at
						}
						mu.Unlock()
						if ok {
							mu.Lock()
							rep.Flows = append(rep.Flows, ff)
							mu.Unlock()
							if arrived != nil {
								arrived(ff)
							}
						}
					})
				}
			})
		}
		final, err := ov.flowsEach(ctx, e.ID, page)
		wg.Wait()
		if err != nil {
			return err
		}
		if first != nil {
			return first
		}
		// A flow met on the first listing learns only now whether the
		// second (shared with the user) holds it too.
		byID := make(map[string]flowdeck.Flow, len(final))
		for _, f := range final {
			byID[f.ID] = f
		}
		mu.Lock()
		defer mu.Unlock()
		for i, ff := range rep.Flows {
			if f, ok := byID[ff.Flow.ID]; ok && ff.Flow.EnvironmentID == e.ID {
				rep.Flows[i].Flow = f
			}
		}
		return nil
	})
	if err != nil {
		return FailureReport{}, err
	}
	rep.Partial = partial
	slices.SortFunc(rep.Flows, func(a, b FlowFailures) int {
		return cmp.Or(b.Latest.StartTime.Compare(a.Latest.StartTime), cmp.Compare(a.Flow.ID, b.Flow.ID))
	})
	slices.SortFunc(rep.Failing, func(a, b flowdeck.Flow) int { return cmp.Compare(a.DisplayName, b.DisplayName) })
	ov.addFailedActions(ctx, rep.Flows)
	return rep, nil
}

// flowFailures counts f's failures since since from its first page of
// failed runs (a read of the user's other queries younger than maxAge, or a
// call) and the pages after it; at is when the first page was read.
func (ov *Overview) flowFailures(ctx context.Context, f flowdeck.Flow, since time.Time, maxAge time.Duration) (ff FlowFailures, ok bool, at time.Time, err error) {
	p, at, err := ov.failedRuns(ctx, f.EnvironmentID, f.ID, since, maxAge)
	if err != nil || len(p.Runs) == 0 {
		return FlowFailures{}, false, at, err
	}
	ff = FlowFailures{Flow: f, Count: len(p.Runs), Latest: p.Runs[0]}
	for _, r := range p.Runs {
		ff.Starts = append(ff.Starts, r.StartTime)
	}
	filter := flowdeck.RunFilter{Status: flowdeck.RunFailed, Since: since}
	for p.Next != "" && ff.Count < MaxFailuresPerFlow {
		if p, err = ov.c.Runs(ctx, f.EnvironmentID, f.ID, filter, p.Next); err != nil {
			return FlowFailures{}, false, at, err
		}
		ff.Count += len(p.Runs)
		for _, r := range p.Runs {
			ff.Starts = append(ff.Starts, r.StartTime)
		}
	}
	ff.More = p.Next != ""
	return ff, true, at, nil
}

// addFailedActions looks up the failed action of the newest failures; a
// lookup that fails leaves FailedAction nil.
func (ov *Overview) addFailedActions(ctx context.Context, flows []FlowFailures) {
	n := min(max(ov.o.FailedActions, 0), len(flows))
	var wg sync.WaitGroup
	for i := range flows[:n] {
		wg.Go(func() {
			r := flows[i].Latest
			acts, err := ov.c.RunActions(ctx, r.EnvironmentID, r.FlowID, r.ID)
			if a, ok := FailedAction(acts); err == nil && ok {
				flows[i].FailedAction = &a
			}
		})
	}
	wg.Wait()
}

// FlowsOff lists the flows that are stopped or suspended, in every environment.
func (ov *Overview) FlowsOff(ctx context.Context) (FlowsReport, error) {
	rep, err := ov.AllFlows(ctx)
	if err != nil {
		return FlowsReport{}, err
	}
	rep.Flows = slices.DeleteFunc(rep.Flows, func(f flowdeck.Flow) bool { return f.State == flowdeck.FlowStarted })
	return rep, nil
}

// PendingApprovals lists the approvals waiting for the user, in every environment, newest first.
func (ov *Overview) PendingApprovals(ctx context.Context) (ApprovalsReport, error) {
	return ov.Approvals(ctx, flowdeck.RoleApprover, true)
}
