package monitor

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// user is one user's work in a tick: their subscriptions and settings.
type user struct {
	p        flowdeck.Principal
	key      string
	subs     []flowdeck.Subscription // active ones
	paused   bool                    // the user's subscriptions are paused (dead tokens)
	settings flowdeck.UserSettings
	digest   bool // settings carry a digest time
}

func userKey(tenantID, userID string) string {
	return strings.ToLower(tenantID) + "/" + strings.ToLower(userID)
}

// shardOf returns the lease name of the shard a user belongs to.
func (m *Monitor) shardOf(key string) string {
	h := fnv.New32a()
	h.Write([]byte(key))
	return fmt.Sprintf("monitor/shard-%03d", h.Sum32()%uint32(m.o.Shards))
}

// names returns the lease names "monitor/<kind>-NNN" for i < Shards.
func (m *Monitor) names(kind string) []string {
	names := make([]string, m.o.Shards)
	for i := range names {
		names[i] = fmt.Sprintf("monitor/%s-%03d", kind, i)
	}
	return names
}

// claim keeps this replica's membership and its fair share of the shards.
// Each replica holds one member lease; the live member leases say how many
// replicas run, and so each one's share (the shards divided among them,
// rounded up). A replica claims free shards up to its share and gives back
// what it holds beyond it, so a replica that joins gets shards within a
// tick or two, and the shards of one that stops are taken over once its
// leases expire.
func (m *Monitor) claim(ctx context.Context) (map[string]bool, error) {
	members, err := m.o.Store.ClaimLeases(ctx, m.names("member"), m.o.Replica, m.o.LeaseTTL, 1)
	if err != nil {
		return nil, m.lose(err)
	}
	alive := map[string]bool{m.o.Replica: true}
	for _, l := range members {
		alive[l.Holder] = true
	}
	share := (m.o.Shards + len(alive) - 1) / len(alive)
	shards, err := m.o.Store.ClaimLeases(ctx, m.names("shard"), m.o.Replica, m.o.LeaseTTL, share)
	if err != nil {
		return nil, m.lose(err)
	}
	var list []string
	for _, l := range shards {
		if l.Holder == m.o.Replica {
			list = append(list, l.Name)
		}
	}
	for len(list) > share {
		last := list[len(list)-1]
		list = list[:len(list)-1]
		if err := m.o.Store.ReleaseLease(ctx, last, m.o.Replica); err != nil {
			m.log.LogAttrs(ctx, slog.LevelWarn, "monitor: give back a shard", slog.Any("err", err))
		}
	}
	held := make(map[string]bool, len(list))
	for _, n := range list {
		held[n] = true
	}
	m.mu.Lock()
	m.held = list
	m.mu.Unlock()
	if m.o.Metrics != nil {
		m.o.Metrics.Shards.Set(float64(len(list)))
	}
	return held, nil
}

// lose forgets the held shards after a failed claim: they may expire before
// the next successful one, so no work is done on them meanwhile.
func (m *Monitor) lose(err error) error {
	m.mu.Lock()
	m.held = nil
	m.mu.Unlock()
	if m.o.Metrics != nil {
		m.o.Metrics.Shards.Set(0)
	}
	return err
}

// Tick renews and claims shard leases, then works on every due user of the
// held shards and returns when all are done. While it runs, the leases are
// renewed every Tick, and users of a shard lost meanwhile are not started.
// The loop calls it every Tick; tests call it directly and move their clock
// between calls. A closed monitor does nothing.
func (m *Monitor) Tick(ctx context.Context) {
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	if closed {
		return
	}
	m.takeSignIns(ctx)
	start := m.clock.Now()
	held, err := m.claim(ctx)
	if err != nil {
		m.log.LogAttrs(ctx, slog.LevelError, "monitor: claim leases", slog.Any("err", err))
		return
	}
	if len(held) == 0 {
		return
	}
	users, err := m.users(ctx, held)
	if err != nil {
		m.log.LogAttrs(ctx, slog.LevelError, "monitor: list subscriptions", slog.Any("err", err))
		return
	}
	rctx, stopRenewing := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		m.renew(rctx)
	}()
	defer func() {
		stopRenewing()
		<-renewed
	}()
	work := make(chan *user)
	var wg sync.WaitGroup
	for range min(m.o.Workers, len(users)) {
		wg.Go(func() {
			for u := range work {
				if m.holds(m.shardOf(u.key)) {
					m.runUser(ctx, u, m.clock.Now())
				}
				m.mu.Lock()
				delete(m.running, u.key)
				m.mu.Unlock()
			}
		})
	}
	for _, u := range users {
		if ctx.Err() != nil {
			break
		}
		m.mu.Lock()
		busy := m.running[u.key]
		m.running[u.key] = true
		m.mu.Unlock()
		if busy {
			continue
		}
		work <- u
	}
	close(work)
	wg.Wait()
	if m.o.Metrics != nil {
		m.o.Metrics.TickSeconds.Observe(m.clock.Now().Sub(start).Seconds())
	}
}

// renew keeps the leases alive every Tick until ctx ends, so that a tick
// longer than a lease period does not lose its shards to another replica.
func (m *Monitor) renew(ctx context.Context) {
	for {
		t := m.clock.NewTimer(m.o.Tick)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C():
		}
		if _, err := m.claim(ctx); err != nil && ctx.Err() == nil {
			m.log.LogAttrs(ctx, slog.LevelError, "monitor: renew leases", slog.Any("err", err))
		}
	}
}

// holds reports whether this replica holds the shard lease name now.
func (m *Monitor) holds(name string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Contains(m.held, name)
}

// users returns the users of the held shards: everyone with a subscription
// and everyone with a digest.
func (m *Monitor) users(ctx context.Context, held map[string]bool) ([]*user, error) {
	subs, err := m.o.Store.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{})
	if err != nil {
		return nil, err
	}
	digests, err := m.o.Store.ListDigests(ctx)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*user{}
	var out []*user
	get := func(tenantID, userID string) *user {
		k := userKey(tenantID, userID)
		if !held[m.shardOf(k)] {
			return nil
		}
		u := byKey[k]
		if u == nil {
			u = &user{p: flowdeck.Principal{TenantID: tenantID, UserID: userID}, key: k}
			byKey[k] = u
			out = append(out, u)
		}
		return u
	}
	for _, s := range subs {
		if u := get(s.TenantID, s.UserID); u != nil {
			if s.Paused {
				u.paused = true
			} else {
				u.subs = append(u.subs, s)
			}
		}
	}
	for _, st := range digests {
		if u := get(st.TenantID, st.UserID); u != nil {
			u.settings, u.digest = st, true
		}
	}
	return out, nil
}

// dueAt is when the user's next cycle is due: a period after the oldest
// watermark, less a jitter of up to half a tick that spreads users apart.
func (m *Monitor) dueAt(u *user) time.Time {
	var oldest time.Time
	for i, s := range u.subs {
		if i == 0 || s.Watermark.Before(oldest) {
			oldest = s.Watermark
		}
	}
	h := fnv.New32a()
	h.Write([]byte(u.key))
	jitter := time.Duration(h.Sum32()%1000) * (m.o.Tick / 2) / 1000
	return oldest.Add(m.o.Interval - jitter)
}

// deferUser leaves the user alone until t.
func (m *Monitor) deferUser(u *user, t time.Time) {
	m.mu.Lock()
	m.backoff[u.key] = t
	m.mu.Unlock()
}

// deferred reports whether the user is being left alone at now.
func (m *Monitor) deferred(u *user, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.backoff[u.key]
	if ok && !now.Before(t) {
		delete(m.backoff, u.key)
		return false
	}
	return ok
}
