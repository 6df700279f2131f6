package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Source is what the monitor reads from Power Platform, as the principal in
// the context (*ops.Service satisfies it).
type Source interface {
	Environments(ctx context.Context) ([]flowdeck.Environment, error)
	AllFlows(ctx context.Context) (flowdeck.FlowsReport, error)
	Runs(ctx context.Context, env, flowID string, f flowdeck.RunFilter, cursor string) (flowdeck.RunPage, error)
	// FailedRuns is the first page of a flow's failed runs since a time,
	// shared with the user's other queries (the tab's) of the last maxAge.
	FailedRuns(ctx context.Context, env, flowID string, since time.Time, maxAge time.Duration) (flowdeck.RunPage, error)
	FailedAction(ctx context.Context, env, flowID, runID string) (flowdeck.Action, bool, error)
	PendingApprovals(ctx context.Context) (flowdeck.ApprovalsReport, error)
}

// Poster sends and updates cards (*cardaction.Router satisfies it).
type Poster interface {
	PostAlert(ctx context.Context, conv flowdeck.ConversationRef, al cards.Alert) (string, error)
	UpdateAlert(ctx context.Context, conv flowdeck.ConversationRef, activityID string, al cards.Alert, recoveredAt time.Time) error
	PostApproval(ctx context.Context, conv flowdeck.ConversationRef, a flowdeck.Approval, userIDs []string) (string, error)
	Send(ctx context.Context, conv flowdeck.ConversationRef, c *cards.AdaptiveCard) (string, error)
}

// Tokens tells whether a user has a usable delegated token (*identity.Broker).
type Tokens interface {
	Token(ctx context.Context, p flowdeck.Principal, audience string) (string, error)
}

// Store is the state the monitor reads and writes.
type Store interface {
	flowdeck.SubscriptionStore
	flowdeck.NotificationLog
	flowdeck.CardStore
	flowdeck.LeaseStore
	flowdeck.ConversationStore
}

// Defaults of Options.
const (
	DefaultInterval    = 5 * time.Minute
	DefaultShards      = 16
	DefaultWorkers     = 32
	DefaultUpdateEvery = 5 * time.Minute
	DefaultLookback    = 6 * time.Hour
	// maxCatchUp bounds how far back a cycle looks after a long pause
	// (quiet hours, an outage, a conversation that could not be reached).
	maxCatchUp = 24 * time.Hour
)

// Options configure a Monitor. Store, Source, Poster and Tokens are required.
type Options struct {
	Store  Store
	Source Source
	Poster Poster
	Tokens Tokens
	// Audience is the token audience key checked for paused users; default "flow".
	Audience string
	// Interval is the period of each user's cycle (default 5 min).
	Interval time.Duration
	// Tick is how often the replica renews its leases and looks for due users
	// (default Interval/10, at most 30 s); LeaseTTL is a lease's life (default 3 ticks).
	Tick     time.Duration
	LeaseTTL time.Duration
	// Shards is how many shards users are split into (default 16); every
	// replica must use the same number.
	Shards int
	// Replica names this replica's leases (default a random id).
	Replica string
	// Workers bounds the users worked on at once (default 32); the upstream
	// transport bounds each user's calls in flight underneath.
	Workers int
	// UpdateEvery is the least time between two updates of one alert card
	// (default 5 min).
	UpdateEvery time.Duration
	// Lookback is how long before the watermark a cycle still looks for
	// failed runs, for runs that started earlier and failed since (default 6 h).
	Lookback time.Duration
	// IdleDays, when positive, tells about a started flow that has not run for
	// that many days.
	IdleDays int
	// ReminderAfter, when positive, reminds the approver of an approval still
	// pending after that long.
	ReminderAfter time.Duration
	// TabLink links cards to the personal tab; nil leaves the links out.
	TabLink cards.TabLink
	// Portal is the configured cloud's Power Automate portal, where the cards'
	// "Open in Power Automate" links point; zero leaves them out.
	Portal flowdeck.Portal
	// Clock is the time (default RealClock).
	Clock Clock
	// Logger receives one line per failure; default discards.
	Logger *slog.Logger
	// Metrics, if set, counts cycles, notifications and failures.
	Metrics *Metrics
	// Feed, if set with TabLink, sends the activity-feed notifications of
	// the users who chose them (UserSettings.Delivery feed or both) instead
	// of or beside the card.
	Feed Feed
	// SignIns, if set, are the users the token broker found must sign in
	// again (their refresh token died): the monitor takes them as they come
	// and at every Tick, and calls SignInNeeded for each.
	SignIns *flowdeck.SignInQueue
}

// Monitor is the background monitor of one replica.
type Monitor struct {
	o     Options
	log   *slog.Logger
	clock Clock

	mu      sync.Mutex
	held    []string             // shard lease names held, sorted
	backoff map[string]time.Time // user key → not before (throttled, failed)
	running map[string]bool      // user keys being worked on
	digests map[string]string    // user key → local date of the last digest sent

	stop   context.CancelFunc
	done   chan struct{}
	closed bool
}

// New checks o and returns a Monitor; Start runs it.
func New(o Options) (*Monitor, error) {
	if o.Store == nil || o.Source == nil || o.Poster == nil || o.Tokens == nil {
		return nil, errors.New("monitor: Store, Source, Poster and Tokens are required")
	}
	if o.Audience == "" {
		o.Audience = "flow"
	}
	if o.Feed != nil && o.TabLink != nil {
		logger := o.Logger
		if logger == nil {
			logger = slog.New(slog.DiscardHandler)
		}
		o.Poster = &feedPoster{Poster: o.Poster, feed: o.Feed, store: o.Store, tab: o.TabLink, log: logger}
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Tick <= 0 {
		o.Tick = min(o.Interval/10, 30*time.Second)
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 3 * o.Tick
	}
	if o.LeaseTTL <= o.Tick {
		return nil, fmt.Errorf("monitor: the lease TTL (%s) must be longer than the tick (%s)", o.LeaseTTL, o.Tick)
	}
	if o.Shards <= 0 {
		o.Shards = DefaultShards
	}
	if o.Replica == "" {
		o.Replica = uuid.NewString()
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.UpdateEvery <= 0 {
		o.UpdateEvery = DefaultUpdateEvery
	}
	if o.Lookback <= 0 {
		o.Lookback = DefaultLookback
	}
	if o.Clock == nil {
		o.Clock = RealClock{}
	}
	m := &Monitor{o: o, log: o.Logger, clock: o.Clock, backoff: map[string]time.Time{}, running: map[string]bool{}, digests: map[string]string{}}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	return m, nil
}

// Start runs the monitor in the background until Close. It ticks at once,
// then every Tick.
func (m *Monitor) Start() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.done != nil || m.closed {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.stop, m.done = cancel, make(chan struct{})
	go m.loop(ctx)
}

func (m *Monitor) loop(ctx context.Context) {
	defer close(m.done)
	var signIns <-chan struct{} // nil without a queue: never ready
	if m.o.SignIns != nil {
		signIns = m.o.SignIns.Ready()
	}
	for {
		m.Tick(ctx)
		t := m.clock.NewTimer(m.o.Tick)
	wait:
		for {
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-signIns:
				m.takeSignIns(ctx)
			case <-t.C():
				break wait
			}
		}
	}
}

// Close stops the loop, waits for the work under way (a card being sent is
// finished and recorded, so it is neither lost nor sent twice), and releases
// the replica's leases so that another replica takes over at once. It
// leaves no goroutine behind.
func (m *Monitor) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	stop, done := m.stop, m.done
	m.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m.mu.Lock()
	held := append(m.held, m.names("member")...)
	m.held = nil
	m.mu.Unlock()
	var errs []error
	for _, name := range held {
		errs = append(errs, m.o.Store.ReleaseLease(ctx, name, m.o.Replica))
	}
	return errors.Join(errs...)
}

// Kill stops the loop like a crashed process would: leases are not released
// (they expire), but a card being sent is still finished and recorded. For
// tests of fail-over.
func (m *Monitor) Kill() {
	m.mu.Lock()
	m.closed = true
	stop, done := m.stop, m.done
	m.held = nil
	m.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
}

// Held returns the shard leases this replica holds now.
func (m *Monitor) Held() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.held...)
}
