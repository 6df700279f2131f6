package ops

import (
	"context"
	"regexp"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Limits of bulk jobs.
const (
	// MaxJobRuns is the most runs one bulk job takes: a selection may name
	// that many, and a job of every failed run in a window takes the newest
	// that many (the job says it left the rest out).
	MaxJobRuns = 1000
	// recentJobs is how many of a user's jobs Jobs lists.
	recentJobs = 20
)

// Shapes of the ids a job request names (the tab checks them too).
var (
	guidRE  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	envIDRE = regexp.MustCompile(`^(Default-)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// JobWindows are the windows a job of every failed run may cover.
var JobWindows = map[string]time.Duration{
	"1h": time.Hour, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "28d": 28 * 24 * time.Hour,
}

// JobRequest asks for a bulk job; the tab's confirmation dialog makes it.
type JobRequest struct {
	// Key is the confirmation's idempotency key (a guid): the same key gives
	// the same job, however often it is sent.
	Key string `json:"key"`
	// Kind is flowdeck.BulkResubmit or flowdeck.BulkCancel.
	Kind   string `json:"kind"`
	Env    string `json:"environmentId"`
	FlowID string `json:"flowId"`
	// Runs are the selected runs (ScopeSelection), as the listing showed
	// them; or Window ("1h", "24h", "7d", "28d") asks for every failed run
	// that started in it (ScopeFailed). Exactly one is given.
	Runs   []JobRun `json:"runs,omitempty"`
	Window string   `json:"window,omitempty"`
}

// JobRun is one selected run: its id, and its start time and status as the
// listing showed them, which the job's results show beside the outcome.
type JobRun struct {
	ID     string    `json:"id"`
	Start  time.Time `json:"start"`
	Status string    `json:"status"`
}

// JobView is a job with the result of each of its runs.
type JobView struct {
	Job   flowdeck.BulkJob    `json:"job"`
	Items []flowdeck.BulkItem `json:"items"`
}

// jobsStore returns the job store, or ErrUnavailable when none is configured.
func (s *Service) jobsStore() (flowdeck.BulkJobStore, error) {
	if s.jobs == nil {
		return nil, flowdeck.Errorf(flowdeck.ErrUnavailable, "Bulk jobs are not available here.")
	}
	return s.jobs, nil
}

// CreateJob checks req and stores its job for the background worker, or
// returns the user's job made earlier with the same key. The flow is read
// first (its name, and that the user may see it): nothing is stored for a
// flow the user cannot reach.
func (s *Service) CreateJob(ctx context.Context, req JobRequest) (flowdeck.BulkJob, error) {
	p, err := principal(ctx)
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	store, err := s.jobsStore()
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	if err := CheckJobRequest(req); err != nil {
		return flowdeck.BulkJob{}, err
	}
	flow, err := s.flows.Flow(ctx, req.Env, req.FlowID)
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	j := flowdeck.BulkJob{TenantID: p.TenantID, UserID: p.UserID, Key: req.Key, Kind: req.Kind,
		Env: req.Env, FlowID: req.FlowID, FlowName: flow.DisplayName, Scope: flowdeck.ScopeSelection}
	var items []flowdeck.BulkItem
	if req.Window != "" {
		now := s.now().UTC().Truncate(time.Second)
		j.Scope, j.Since, j.Until = flowdeck.ScopeFailed, now.Add(-JobWindows[req.Window]), now
	} else {
		items = make([]flowdeck.BulkItem, len(req.Runs))
		for i, r := range req.Runs {
			items[i] = flowdeck.BulkItem{RunID: r.ID, Start: r.Start, Status: r.Status}
		}
	}
	job, created, err := store.CreateBulkJob(ctx, j, items)
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	if created && s.wakeJobs != nil {
		s.wakeJobs()
	}
	return job, nil
}

// CheckJobRequest reports the first problem of req as ErrInvalid: a key that
// is not a guid, an unknown kind, ids of the wrong shape, both or neither of
// Runs and Window, more than MaxJobRuns runs or one named twice.
func CheckJobRequest(req JobRequest) error {
	switch {
	case !guidRE.MatchString(req.Key):
		return flowdeck.Errorf(flowdeck.ErrInvalid, "key is the confirmation's id: a guid.")
	case req.Kind != flowdeck.BulkResubmit && req.Kind != flowdeck.BulkCancel:
		return flowdeck.Errorf(flowdeck.ErrInvalid, "kind is resubmit or cancel.")
	case !envIDRE.MatchString(req.Env):
		return flowdeck.Errorf(flowdeck.ErrInvalid, "That is not an environment id: it is Default-<guid> or a guid.")
	case !guidRE.MatchString(req.FlowID):
		return flowdeck.Errorf(flowdeck.ErrInvalid, "That is not a flow id: it is a guid.")
	case (len(req.Runs) == 0) == (req.Window == ""):
		return flowdeck.Errorf(flowdeck.ErrInvalid, "Give either the selected runs or a window, not both.")
	case len(req.Runs) > MaxJobRuns:
		return flowdeck.Errorf(flowdeck.ErrInvalid, "One job takes at most %d runs; select fewer.", MaxJobRuns)
	}
	if req.Window != "" {
		if _, ok := JobWindows[req.Window]; !ok {
			return flowdeck.Errorf(flowdeck.ErrInvalid, "window is one of 1h, 24h, 7d, 28d.")
		}
		if req.Kind != flowdeck.BulkResubmit {
			return flowdeck.Errorf(flowdeck.ErrInvalid, "Only resubmit takes every failed run of a window: failed runs cannot be cancelled.")
		}
		return nil
	}
	seen := make(map[string]bool, len(req.Runs))
	for _, r := range req.Runs {
		switch {
		case !runIDRE.MatchString(r.ID):
			return flowdeck.Errorf(flowdeck.ErrInvalid, "%q is not a run id: 10 to 128 capital letters and digits.", flowdeck.Clip(r.ID, 40))
		case seen[r.ID]:
			return flowdeck.Errorf(flowdeck.ErrInvalid, "Run %s is selected twice.", r.ID)
		case r.Start.IsZero() || r.Start.Year() < 2000 || r.Start.Year() > 2200:
			return flowdeck.Errorf(flowdeck.ErrInvalid, "Each selected run needs its start time.")
		}
		switch r.Status {
		case flowdeck.RunFailed, flowdeck.RunSucceeded, flowdeck.RunCancelled, flowdeck.RunRunning:
		default:
			return flowdeck.Errorf(flowdeck.ErrInvalid, "A run's status is Failed, Succeeded, Cancelled or Running.")
		}
		seen[r.ID] = true
	}
	return nil
}

// Job returns one of the user's jobs with its runs; another user's job is
// ErrNotFound, as a missing one.
func (s *Service) Job(ctx context.Context, id string) (JobView, error) {
	p, err := principal(ctx)
	if err != nil {
		return JobView{}, err
	}
	store, err := s.jobsStore()
	if err != nil {
		return JobView{}, err
	}
	j, err := store.GetBulkJob(ctx, p.TenantID, p.UserID, id)
	if err != nil {
		return JobView{}, err
	}
	items, err := store.BulkItems(ctx, j.ID)
	if err != nil {
		return JobView{}, err
	}
	if items == nil {
		items = []flowdeck.BulkItem{}
	}
	return JobView{Job: j, Items: items}, nil
}

// Jobs lists the user's recent jobs, newest first.
func (s *Service) Jobs(ctx context.Context) ([]flowdeck.BulkJob, error) {
	p, err := principal(ctx)
	if err != nil {
		return nil, err
	}
	store, err := s.jobsStore()
	if err != nil {
		return nil, err
	}
	jobs, err := store.ListBulkJobs(ctx, p.TenantID, p.UserID, recentJobs)
	if jobs == nil && err == nil {
		jobs = []flowdeck.BulkJob{}
	}
	return jobs, err
}

// RetryJob makes a new job (idempotency key key) of the runs of job id that
// failed, or returns the user's job made earlier with that key.
func (s *Service) RetryJob(ctx context.Context, id, key string) (flowdeck.BulkJob, error) {
	if !guidRE.MatchString(key) {
		return flowdeck.BulkJob{}, flowdeck.Errorf(flowdeck.ErrInvalid, "key is the confirmation's id: a guid.")
	}
	v, err := s.Job(ctx, id)
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	var items []flowdeck.BulkItem
	for _, it := range v.Items {
		if it.State == flowdeck.ItemFailed {
			items = append(items, flowdeck.BulkItem{RunID: it.RunID, Start: it.Start, Status: it.Status})
		}
	}
	if len(items) == 0 {
		return flowdeck.BulkJob{}, flowdeck.Errorf(flowdeck.ErrInvalid, "No run of that job failed; there is nothing to retry.")
	}
	j := v.Job
	retry := flowdeck.BulkJob{TenantID: j.TenantID, UserID: j.UserID, Key: key, Kind: j.Kind, Scope: flowdeck.ScopeSelection,
		Env: j.Env, FlowID: j.FlowID, FlowName: j.FlowName, RetryOf: j.ID}
	job, created, err := s.jobs.CreateBulkJob(ctx, retry, items)
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	if created && s.wakeJobs != nil {
		s.wakeJobs()
	}
	return job, nil
}

// RunAction does one run's part of a bulk job (kind flowdeck.BulkResubmit or
// flowdeck.BulkCancel) as the principal in ctx.
func (s *Service) RunAction(ctx context.Context, kind, env, flowID, runID string) error {
	if !runIDRE.MatchString(runID) {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "%q is not a run id.", flowdeck.Clip(runID, 40))
	}
	switch kind {
	case flowdeck.BulkResubmit:
		return s.flows.Resubmit(ctx, env, flowID, runID)
	case flowdeck.BulkCancel:
		return s.flows.Cancel(ctx, env, flowID, runID)
	}
	return flowdeck.Errorf(flowdeck.ErrInvalid, "kind is resubmit or cancel.")
}

// ResumeJob moves the user's paused job (paused because they had to sign in
// again) back to work and returns it. The job's flow is read first, as the
// user: a sign-in that still does not work fails here, with its sign-in or
// consent error, and the job stays paused. Another user's job, like a
// missing one, is ErrNotFound; a job that is not paused is ErrConflict.
func (s *Service) ResumeJob(ctx context.Context, id string) (flowdeck.BulkJob, error) {
	p, err := principal(ctx)
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	store, err := s.jobsStore()
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	j, err := store.GetBulkJob(ctx, p.TenantID, p.UserID, id)
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	if j.State != flowdeck.JobPaused {
		return flowdeck.BulkJob{}, flowdeck.Errorf(flowdeck.ErrConflict, "That job is %s, not paused; there is nothing to resume.", j.State)
	}
	if _, err := s.flows.Flow(ctx, j.Env, j.FlowID); err != nil {
		return flowdeck.BulkJob{}, err
	}
	j, err = store.ResumeBulkJob(ctx, p.TenantID, p.UserID, id)
	if err != nil {
		return flowdeck.BulkJob{}, err
	}
	if s.wakeJobs != nil {
		s.wakeJobs()
	}
	return j, nil
}
