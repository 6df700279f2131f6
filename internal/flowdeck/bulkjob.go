package flowdeck

import (
	"context"
	"time"
)

// Kinds of bulk job: what is done to each run.
const (
	BulkResubmit = "resubmit"
	BulkCancel   = "cancel"
)

// Scopes of a bulk job: which runs it takes.
const (
	// ScopeSelection is the runs the user selected, named one by one.
	ScopeSelection = "selection"
	// ScopeFailed is every failed run of one flow that started in the job's
	// window, found server-side when the job starts.
	ScopeFailed = "failed"
)

// States of a bulk job.
const (
	// JobResolving: a ScopeFailed job still looking for its runs.
	JobResolving = "resolving"
	// JobRunning: the runs are known and are being worked on.
	JobRunning = "running"
	// JobPaused: the user must sign in again before the job goes on; its
	// runs not yet done wait, pending, until the user resumes it (or it
	// ends when not resumed in time).
	JobPaused = "paused"
	// JobDone: every run has its result.
	JobDone = "done"
)

// States of one run of a bulk job.
const (
	// ItemPending: not tried yet.
	ItemPending = "pending"
	// ItemWorking: claimed by a replica that is calling Power Platform now.
	ItemWorking = "working"
	// ItemOK and ItemFailed: the call answered.
	ItemOK     = "ok"
	ItemFailed = "failed"
	// ItemUnknown: the replica that claimed the run stopped before the call
	// answered, so whether it was done is not known. It is never tried again
	// on its own (at most once per run); the user decides.
	ItemUnknown = "unknown"
)

// BulkJob is one bulk action on a flow's runs, confirmed once by its user and
// worked on in the background, as that user, by whichever replica holds its
// lease.
type BulkJob struct {
	ID       string `json:"id"`
	TenantID string `json:"-"`
	UserID   string `json:"-"`
	// Key is the idempotency key of the confirmation that made the job: the
	// same user and key always give the same job.
	Key  string `json:"-"`
	Kind string `json:"kind"`
	// Scope is ScopeSelection or ScopeFailed; Since and Until bound the start
	// times of a ScopeFailed job's runs.
	Scope    string    `json:"scope"`
	Env      string    `json:"environmentId"`
	FlowID   string    `json:"flowId"`
	FlowName string    `json:"flowName"`
	Since    time.Time `json:"since,omitzero"`
	Until    time.Time `json:"until,omitzero"`
	// RetryOf is the job whose failed runs this job tries again.
	RetryOf string `json:"retryOf,omitempty"`
	State   string `json:"state"`
	// Capped says that a ScopeFailed job found more failed runs than a job
	// takes and left the oldest out.
	Capped bool `json:"capped"`
	// Message says, in words for the user, why a job ended without its runs
	// (a ScopeFailed job whose runs could not be listed), or why it is
	// paused and what to do.
	Message   string    `json:"message,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Counts of the job's runs, read with the job.
	Total   int `json:"total"`
	Done    int `json:"done"`
	OK      int `json:"ok"`
	Failed  int `json:"failed"`
	Unknown int `json:"unknown"`
}

// BulkItem is one run of a bulk job and its result.
type BulkItem struct {
	JobID string `json:"-"`
	RunID string `json:"runId"`
	// Start is the run's start time and Status its status before the job.
	Start  time.Time `json:"start"`
	Status string    `json:"status"`
	// State is one of the Item* constants; Code and Message say why a run
	// failed, in words for the user.
	State   string `json:"state"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// UpdatedAt is when the state last changed.
	UpdatedAt time.Time `json:"updatedAt"`
}

// BulkJobStore keeps bulk jobs and the results of their runs.
type BulkJobStore interface {
	// CreateBulkJob stores j (State, CreatedAt and UpdatedAt set by the store)
	// with its items, all pending, in one transaction. When the user already
	// has a job with j.Key it stores nothing and returns that job and false:
	// a retried or doubled confirmation makes one job.
	CreateBulkJob(ctx context.Context, j BulkJob, items []BulkItem) (BulkJob, bool, error)
	// GetBulkJob returns the user's job with its counts; another user's job,
	// like a missing one, is ErrNotFound.
	GetBulkJob(ctx context.Context, tenantID, userID, id string) (BulkJob, error)
	// ListBulkJobs returns the user's most recent jobs, newest first.
	ListBulkJobs(ctx context.Context, tenantID, userID string, limit int) ([]BulkJob, error)
	// UnfinishedBulkJobs returns jobs of every user that the worker goes on
	// with (resolving or running: not paused, not done), oldest first.
	UnfinishedBulkJobs(ctx context.Context, limit int) ([]BulkJob, error)
	// BulkItems returns a job's runs, newest start first.
	BulkItems(ctx context.Context, jobID string) ([]BulkItem, error)
	// AddBulkItems adds pending runs to a resolving job; runs it has already
	// are left as they are.
	AddBulkItems(ctx context.Context, jobID string, items []BulkItem) error
	// SetBulkJobState moves a job to state, resolving, running or done
	// (capped tells a resolved ScopeFailed job left runs out; message why it
	// ended without its runs). A job is paused with PauseBulkJob.
	SetBulkJobState(ctx context.Context, jobID, state string, capped bool, message string) error
	// ClaimBulkItem moves a pending run to ItemWorking and reports whether
	// this call did; of concurrent claims exactly one wins.
	ClaimBulkItem(ctx context.Context, jobID, runID string) (bool, error)
	// FinishBulkItem records the result (ItemOK or ItemFailed) of a run that
	// is ItemWorking or ItemUnknown; a run already finished is left alone.
	FinishBulkItem(ctx context.Context, jobID, runID, state, code, message string) error
	// AbandonBulkItems marks the job's ItemWorking runs ItemUnknown and
	// returns how many: a new holder of the job's lease calls it, since runs
	// still working then were claimed by a replica that stopped.
	AbandonBulkItems(ctx context.Context, jobID string) (int, error)
	// ReleaseBulkItem moves a working run back to pending: its call failed
	// before anything reached Power Platform (the user must sign in again),
	// so it may be tried again. A run in any other state is left alone.
	ReleaseBulkItem(ctx context.Context, jobID, runID string) error
	// PauseBulkJob moves a resolving or running job to JobPaused with
	// message, remembering which of the two it was; a job in another state
	// is left alone (ErrConflict).
	PauseBulkJob(ctx context.Context, jobID, message string) error
	// ResumeBulkJob moves the user's paused job back to the state it was
	// paused in and clears its message, and returns the job. Another user's
	// job, like a missing one, is ErrNotFound; a job that is not paused is
	// ErrConflict.
	ResumeBulkJob(ctx context.Context, tenantID, userID, id string) (BulkJob, error)
	// ExpirePausedBulkJobs ends (done, with jobMessage) up to limit jobs
	// paused for longer than olderThan by the store's clock, marking each
	// one's pending runs failed with code and itemMessage, and returns how
	// many jobs it ended.
	ExpirePausedBulkJobs(ctx context.Context, olderThan time.Duration, limit int, jobMessage, code, itemMessage string) (int, error)
	// DeleteFinishedBulkJobs deletes up to limit jobs done for longer than
	// olderThan by the store's clock, with their runs, and returns how many.
	DeleteFinishedBulkJobs(ctx context.Context, olderThan time.Duration, limit int) (int, error)
}
