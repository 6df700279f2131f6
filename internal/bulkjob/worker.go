package bulkjob

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Runs is what the worker does upstream, as the principal in ctx
// (*ops.Service satisfies it).
type Runs interface {
	// Runs lists one page of a flow's runs, newest first.
	Runs(ctx context.Context, env, flowID string, f flowdeck.RunFilter, cursor string) (flowdeck.RunPage, error)
	// RunAction resubmits or cancels one run (kind flowdeck.BulkResubmit or BulkCancel).
	RunAction(ctx context.Context, kind, env, flowID, runID string) error
}

// Store is the state the worker reads and writes.
type Store interface {
	flowdeck.BulkJobStore
	flowdeck.LeaseStore
}

// Defaults of Options.
const (
	DefaultTick    = 2 * time.Second
	DefaultWorkers = 4
	DefaultJobs    = 4
	// DefaultMaxRuns is the most runs a job of every failed run takes.
	DefaultMaxRuns = 1000
	// DefaultPauseLimit is how long a paused job waits for its user to sign
	// in again and resume it; then it ends, its waiting runs failed.
	DefaultPauseLimit = 7 * 24 * time.Hour
	// DefaultKeep is how long a finished job and its runs are kept.
	DefaultKeep = 30 * 24 * time.Hour
	// callTimeout bounds one run's upstream call, which goes on after Close
	// (a call is never cut off half way: its answer is recorded).
	callTimeout = 2 * time.Minute
)

// Options configure a Worker. Store and Runs are required.
type Options struct {
	Store Store
	Runs  Runs
	// Tick is how often the worker looks for unfinished jobs and renews its
	// leases (default 2 s); LeaseTTL is a lease's life (default 3 ticks).
	Tick     time.Duration
	LeaseTTL time.Duration
	// Replica names this replica's leases (default a random id).
	Replica string
	// Workers is how many runs of one job are worked on at once (default 4),
	// Jobs how many jobs one replica works on at once (default 4).
	Workers int
	Jobs    int
	// MaxRuns is the most runs a job of every failed run takes (default 1000).
	MaxRuns int
	// PauseLimit is how long a paused job waits to be resumed (default 7
	// days) and Keep how long a finished job is kept (default 30 days), both
	// by the store's clock; the worker's sweep, once a tick at most, ends
	// and deletes the jobs past them.
	PauseLimit time.Duration
	Keep       time.Duration
	// Logger receives one line per failure; default discards.
	Logger *slog.Logger
}

// Worker works on bulk jobs in the background until Close.
type Worker struct {
	o   Options
	log *slog.Logger

	wake    chan struct{}
	mu      sync.Mutex
	running map[string]bool // job ids worked on by this replica
	stop    context.CancelFunc
	done    chan struct{}
	jobs    sync.WaitGroup
	closed  bool
}

// New checks o and returns a Worker; Start runs it.
func New(o Options) (*Worker, error) {
	if o.Store == nil || o.Runs == nil {
		return nil, errors.New("bulkjob: Store and Runs are required")
	}
	if o.Tick <= 0 {
		o.Tick = DefaultTick
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 3 * o.Tick
	}
	if o.LeaseTTL <= o.Tick {
		return nil, errors.New("bulkjob: the lease TTL must be longer than the tick")
	}
	if o.Replica == "" {
		o.Replica = uuid.NewString()
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.Jobs <= 0 {
		o.Jobs = DefaultJobs
	}
	if o.MaxRuns <= 0 {
		o.MaxRuns = DefaultMaxRuns
	}
	if o.PauseLimit <= 0 {
		o.PauseLimit = DefaultPauseLimit
	}
	if o.Keep <= 0 {
		o.Keep = DefaultKeep
	}
	w := &Worker{o: o, log: o.Logger, wake: make(chan struct{}, 1), running: map[string]bool{}}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	return w, nil
}

// Start runs the worker in the background: it looks for jobs at once, then
// every Tick and whenever Wake is called.
func (w *Worker) Start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done != nil || w.closed {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.stop, w.done = cancel, make(chan struct{})
	go w.loop(ctx)
}

// Wake makes the worker look for jobs now (a job was just made).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Close stops claiming runs, waits for the calls in flight to be answered
// and recorded and releases the worker's leases, or gives up when ctx ends.
func (w *Worker) Close(ctx context.Context) error {
	w.mu.Lock()
	w.closed = true
	stop, done := w.stop, w.done
	w.mu.Unlock()
	if stop == nil {
		return nil
	}
	stop()
	all := make(chan struct{})
	go func() { <-done; w.jobs.Wait(); close(all) }()
	select {
	case <-all:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Running reports the ids of the jobs this replica works on now.
func (w *Worker) Running() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]string, 0, len(w.running))
	for id := range w.running {
		out = append(out, id)
	}
	return out
}

func (w *Worker) loop(ctx context.Context) {
	defer close(w.done)
	t := time.NewTicker(w.o.Tick)
	defer t.Stop()
	var swept time.Time
	for {
		if time.Since(swept) >= w.o.Tick {
			swept = time.Now()
			w.sweep(ctx)
		}
		w.scan(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// leaseName is a job's lease.
func leaseName(id string) string { return "bulkjob/" + id }

// scan starts work on the unfinished jobs whose leases it gets.
func (w *Worker) scan(ctx context.Context) {
	jobs, err := w.o.Store.UnfinishedBulkJobs(ctx, 100)
	if err != nil {
		if ctx.Err() == nil {
			w.log.LogAttrs(ctx, slog.LevelWarn, "bulkjob: list unfinished jobs", slog.Any("err", err))
		}
		return
	}
	for _, j := range jobs {
		w.mu.Lock()
		busy, full := w.running[j.ID], len(w.running) >= w.o.Jobs
		w.mu.Unlock()
		if busy {
			continue
		}
		if full || ctx.Err() != nil {
			return
		}
		if _, err := w.o.Store.ClaimLease(ctx, leaseName(j.ID), w.o.Replica, w.o.LeaseTTL); err != nil {
			if !errors.Is(err, flowdeck.ErrConflict) && ctx.Err() == nil {
				w.log.LogAttrs(ctx, slog.LevelWarn, "bulkjob: claim a job's lease", slog.Any("err", err))
			}
			continue
		}
		w.mu.Lock()
		w.running[j.ID] = true
		w.mu.Unlock()
		w.jobs.Go(func() {
			defer func() {
				w.mu.Lock()
				delete(w.running, j.ID)
				w.mu.Unlock()
			}()
			w.work(ctx, j)
		})
	}
}
