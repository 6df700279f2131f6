// Package storetest is the conformance suite of flowdeck.Store: every
// implementation runs Run against a real database and must pass all of it.
// It covers every method, the error kinds, the concurrency guarantees of the
// port (leases, dedupe keys, watermarks, card versions) and that no token
// reaches the database in plaintext.
package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Opener returns a new, empty, ready store whose clock is now. It registers
// the store's Close with t.Cleanup.
type Opener func(t *testing.T, now func() time.Time) flowdeck.Store

// Dumper returns everything s has persisted as bytes (a SQLite database file
// and its WAL, or every row of every PostgreSQL table as text), for the check
// that no secret is stored in plaintext.
type Dumper func(t *testing.T, s flowdeck.Store) []byte

// Run runs the conformance suite. Every subtest opens its own store.
func Run(t *testing.T, open Opener, dump Dumper) {
	t.Run("Tokens", func(t *testing.T) { testTokens(t, open) })
	t.Run("TokenEvict", func(t *testing.T) { testTokenEvict(t, open) })
	t.Run("TokensNoPlaintext", func(t *testing.T) { testNoPlaintext(t, open, dump) })
	t.Run("Conversations", func(t *testing.T) { testConversations(t, open) })
	t.Run("Subscriptions", func(t *testing.T) { testSubscriptions(t, open) })
	t.Run("SubscriptionList", func(t *testing.T) { testSubscriptionList(t, open) })
	t.Run("AutoSubscription", func(t *testing.T) { testAutoSubscription(t, open) })
	t.Run("SubscriptionState", func(t *testing.T) { testSubscriptionState(t, open) })
	t.Run("Watermark", func(t *testing.T) { testWatermark(t, open) })
	t.Run("WatermarkConcurrent", func(t *testing.T) { testWatermarkConcurrent(t, open) })
	t.Run("Settings", func(t *testing.T) { testSettings(t, open) })
	t.Run("Notifications", func(t *testing.T) { testNotifications(t, open) })
	t.Run("NotificationsConcurrent", func(t *testing.T) { testNotificationsConcurrent(t, open) })
	t.Run("Cards", func(t *testing.T) { testCards(t, open) })
	t.Run("CardsConcurrent", func(t *testing.T) { testCardsConcurrent(t, open) })
	t.Run("Leases", func(t *testing.T) { testLeases(t, open) })
	t.Run("LeasesConcurrent", func(t *testing.T) { testLeasesConcurrent(t, open) })
	t.Run("LeaseSet", func(t *testing.T) { testLeaseSet(t, open) })
	t.Run("LeaseSetConcurrent", func(t *testing.T) { testLeaseSetConcurrent(t, open) })
	t.Run("PauseConcurrent", func(t *testing.T) { testPauseConcurrent(t, open) })
	t.Run("Activities", func(t *testing.T) { testActivities(t, open) })
	t.Run("ActivitiesConcurrent", func(t *testing.T) { testActivitiesConcurrent(t, open) })
	t.Run("Snapshots", func(t *testing.T) { testSnapshots(t, open) })
	t.Run("BulkJobs", func(t *testing.T) { testBulkJobs(t, open) })
	t.Run("BulkJobPause", func(t *testing.T) { testBulkJobPause(t, open) })
	t.Run("BulkJobRetention", func(t *testing.T) { testBulkJobRetention(t, open) })
	t.Run("Ping", func(t *testing.T) {
		s, _ := setup(t, open)
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
}

// workers is how many goroutines the concurrency tests run at once.
const workers = 16

// base is the suite's starting time: not UTC and with nanoseconds, so that the
// tests see the store's UTC conversion and microsecond truncation.
var base = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.FixedZone("UTC+2", 2*60*60))

// clock is a manual clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// setup opens a fresh store whose clock starts at base.
func setup(t *testing.T, open Opener) (flowdeck.Store, *clock) {
	t.Helper()
	c := &clock{t: base}
	return open(t, c.Now), c
}

// stored returns t as a store keeps it.
func stored(t time.Time) time.Time { return t.Truncate(time.Microsecond).UTC() }

// wantKind fails unless err has the given kind.
func wantKind(t *testing.T, what string, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got error %v, want kind %v", what, err, kind)
	}
}

// must fails on a non-nil error.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantTime fails unless got equals want as the store keeps it, in UTC.
func wantTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(stored(want)) || got.Location() != time.UTC {
		t.Errorf("%s: got %v, want %v (UTC)", what, got, stored(want))
	}
}

// parallel runs f(i) for i in [0, n) on n goroutines released at once, and
// returns their errors by index.
func parallel(n int, f func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}
