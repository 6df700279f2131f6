package ops

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The message extension's search answers as the user types, so it must not
// wait for a pass over every environment (31 calls for 1,000 flows in 10
// environments) or over every flow's runs (1,000 calls). When the overview's
// cache is cold — the first search, after its TTL, or on another replica —
// it answers from the user's stored snapshot and refreshes that snapshot in
// the background (stale-while-revalidate).

const (
	// flowsSnapshotKind is the store's name of a user's list of every flow.
	flowsSnapshotKind = "flows"
	// searchSnapshotMaxAge is the age under which a snapshot answers a search
	// whose live answer is not at hand; an older one is ignored.
	searchSnapshotMaxAge = 24 * time.Hour
	// refreshTimeout bounds one background refresh.
	refreshTimeout = 2 * time.Minute
)

// allFlows is the overview's AllFlows that keeps a list read live (not from
// the overview's cache) and complete as the user's flows snapshot, at most
// once per Options.SnapshotFresh per user and replica (the monitor reads
// every watching user's flows each cycle; a list of 1,000 flows is about
// half a megabyte).
func (s *Service) allFlows(ctx context.Context) (flowdeck.FlowsReport, error) {
	return s.readFlows(ctx, false)
}

// readFlows is allFlows; always keeps the snapshot regardless of when this
// replica last kept one (a refresh).
func (s *Service) readFlows(ctx context.Context, always bool) (flowdeck.FlowsReport, error) {
	if rep, ok := s.overview.CachedFlows(ctx); ok {
		return rep, nil
	}
	start := s.now()
	rep, err := s.overview.AllFlows(ctx)
	if p, perr := principal(ctx); err == nil && perr == nil && len(rep.Partial) == 0 &&
		s.background.due(p.TenantID+"/"+p.UserID+"/"+flowsSnapshotKind, start, s.fresh, always) {
		s.keepSnapshot(ctx, flowsSnapshotKind, start, rep)
	}
	return rep, err
}

// searchFlows is every flow of the user for a search: from the overview's
// cache when warm, else from a snapshot younger than searchSnapshotMaxAge
// (refreshed in the background), else live.
func (s *Service) searchFlows(ctx context.Context) (flowdeck.FlowsReport, error) {
	rep, asOf, ok := s.keptFlows(ctx)
	if !ok {
		return s.allFlows(ctx)
	}
	if !asOf.IsZero() {
		s.refreshInBackground(ctx, flowsSnapshotKind, func(ctx context.Context) { _, _ = s.readFlows(ctx, true) })
	}
	return rep, nil
}

// keptFlows is every flow of the user as kept, asking nothing upstream:
// from the overview's cache when warm (asOf zero), else from the user's
// flows snapshot younger than searchSnapshotMaxAge (asOf its time); ok is
// false when neither is at hand.
func (s *Service) keptFlows(ctx context.Context) (rep flowdeck.FlowsReport, asOf time.Time, ok bool) {
	if rep, ok := s.overview.CachedFlows(ctx); ok {
		return rep, time.Time{}, true
	}
	asOf, ok = s.snapshot(ctx, flowsSnapshotKind, &rep)
	return rep, asOf, ok
}

// searchFailures is the user's failing flows of the last 7 days for a
// search: from the 7-day dashboard snapshot when younger than
// searchSnapshotMaxAge (refreshed in the background once older than
// Options.SnapshotFresh), else a live dashboard, which keeps one.
func (s *Service) searchFailures(ctx context.Context) (Dashboard, error) {
	const window = "7d"
	d, ok, err := s.DashboardSnapshot(ctx, window)
	if err != nil && !errors.Is(err, flowdeck.ErrUnavailable) {
		return Dashboard{}, err
	}
	if age := s.now().Sub(d.AsOf); ok && age >= 0 && age < searchSnapshotMaxAge {
		if age >= s.fresh || len(d.Partial) > 0 {
			s.refreshInBackground(ctx, snapshotKind(window), func(ctx context.Context) { _, _ = s.DashboardLive(ctx, window, false, nil) })
		}
		return d, nil
	}
	return s.DashboardLive(ctx, window, false, nil)
}

// snapshot reads the user's snapshot of kind into v; ok is false when there
// is none younger than searchSnapshotMaxAge, or it cannot be read.
func (s *Service) snapshot(ctx context.Context, kind string, v any) (asOf time.Time, ok bool) {
	p, err := principal(ctx)
	if s.snaps == nil || err != nil {
		return time.Time{}, false
	}
	sn, err := s.snaps.GetSnapshot(ctx, p.TenantID, p.UserID, kind)
	if err != nil {
		return time.Time{}, false
	}
	if age := s.now().Sub(sn.AsOf); age < 0 || age >= searchSnapshotMaxAge || json.Unmarshal(sn.Body, v) != nil {
		return time.Time{}, false
	}
	return sn.AsOf, true
}

// keepSnapshot stores v as the user's snapshot of kind, gathered from asOf;
// a store that fails only costs a later search its instant answer.
func (s *Service) keepSnapshot(ctx context.Context, kind string, asOf time.Time, v any) {
	p, err := principal(ctx)
	if s.snaps == nil || err != nil {
		return
	}
	body, err := json.Marshal(v)
	if err != nil {
		return
	}
	_ = s.snaps.PutSnapshot(ctx, flowdeck.Snapshot{TenantID: p.TenantID, UserID: p.UserID, Kind: kind, AsOf: asOf, Body: body})
}

// refreshInBackground runs fn as the user in ctx, detached from ctx's end
// and bounded by refreshTimeout, unless a refresh of the user's kind is in
// flight already: one at a time per user and kind, however many searches ask.
func (s *Service) refreshInBackground(ctx context.Context, kind string, fn func(context.Context)) {
	p, err := principal(ctx)
	if err != nil {
		return
	}
	key := p.TenantID + "/" + p.UserID + "/" + kind
	closing, ok := s.background.start(key)
	if !ok {
		return
	}
	go func() {
		defer s.background.done(key)
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		defer context.AfterFunc(closing, cancel)()
		fn(ctx)
	}()
}

// WaitRefreshes returns when the background refreshes started so far have
// ended (in tests).
func (s *Service) WaitRefreshes() { s.background.wg.Wait() }

// CloseRefreshes cancels the background refreshes in flight, starts no
// more, and waits until they have ended or ctx ends (at shutdown, before
// the store closes).
func (s *Service) CloseRefreshes(ctx context.Context) error {
	s.background.close()
	done := make(chan struct{})
	go func() { s.background.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// background tracks the refreshes in flight, by user and kind.
type background struct {
	mu      sync.Mutex
	running map[string]bool
	wg      sync.WaitGroup
	// closing ends when CloseRefreshes is called.
	closing context.Context
	closed  context.CancelFunc
	// kept is when this replica last kept each snapshot, by user and kind.
	kept map[string]time.Time
}

// maxKept bounds the entries of background.kept before the old ones are dropped.
const maxKept = 10000

// due reports whether the snapshot key, gathered at now, should be kept:
// always, or when this replica kept none within every; it then notes now.
func (b *background) due(key string, now time.Time, every time.Duration, always bool) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if last, ok := b.kept[key]; ok && !always && now.Sub(last) >= 0 && now.Sub(last) < every {
		return false
	}
	if b.kept == nil {
		b.kept = map[string]time.Time{}
	}
	if len(b.kept) >= maxKept {
		for k, t := range b.kept {
			if now.Sub(t) >= every {
				delete(b.kept, k)
			}
		}
	}
	b.kept[key] = now
	return true
}

// start reports whether a refresh of key may start, marking it running; the
// refresh must stop when closing ends.
func (b *background) start(key string) (closing context.Context, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	if b.running[key] || b.closing.Err() != nil {
		return nil, false
	}
	b.running[key] = true
	b.wg.Add(1)
	return b.closing, true
}

func (b *background) init() {
	if b.running == nil {
		b.running = map[string]bool{}
		b.closing, b.closed = context.WithCancel(context.Background())
	}
}

func (b *background) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	b.closed()
}

func (b *background) done(key string) {
	b.mu.Lock()
	delete(b.running, key)
	b.mu.Unlock()
	b.wg.Done()
}
