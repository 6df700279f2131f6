package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

const ttl = 30 * time.Second

func testLeases(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	l, err := s.ClaimLease(ctx, "shard-1", "replica-a", ttl)
	must(t, "ClaimLease free", err)
	if l.Name != "shard-1" || l.Holder != "replica-a" {
		t.Fatalf("ClaimLease = %+v, want shard-1 held by replica-a", l)
	}
	wantTime(t, "ExpiresAt", l.ExpiresAt, clk.Now().Add(ttl))

	cur, err := s.ClaimLease(ctx, "shard-1", "replica-b", ttl)
	wantKind(t, "ClaimLease held by another", err, flowdeck.ErrConflict)
	if cur.Holder != "replica-a" || !cur.ExpiresAt.Equal(l.ExpiresAt) {
		t.Fatalf("conflicting claim returned %+v, want the current lease %+v", cur, l)
	}
	if _, err := s.ClaimLease(ctx, "shard-2", "replica-b", ttl); err != nil {
		t.Fatalf("ClaimLease of another name: %v", err)
	}

	// Renewal by the holder moves the expiry.
	now := clk.Advance(ttl / 2)
	renewed, err := s.ClaimLease(ctx, "shard-1", "replica-a", ttl)
	must(t, "ClaimLease renewal", err)
	wantTime(t, "renewed ExpiresAt", renewed.ExpiresAt, now.Add(ttl))

	// One microsecond before expiry it is still held; at expiry it passes on.
	clk.Advance(ttl - time.Microsecond)
	_, err = s.ClaimLease(ctx, "shard-1", "replica-b", ttl)
	wantKind(t, "ClaimLease just before expiry", err, flowdeck.ErrConflict)
	now = clk.Advance(time.Microsecond)
	taken, err := s.ClaimLease(ctx, "shard-1", "replica-b", ttl)
	must(t, "ClaimLease at expiry", err)
	if taken.Holder != "replica-b" {
		t.Fatalf("expired lease went to %q, want replica-b", taken.Holder)
	}
	wantTime(t, "taken ExpiresAt", taken.ExpiresAt, now.Add(ttl))
	_, err = s.ClaimLease(ctx, "shard-1", "replica-a", ttl)
	wantKind(t, "ClaimLease by the old holder", err, flowdeck.ErrConflict)

	// Release by another is a no-op; by the holder it frees the lease.
	must(t, "ReleaseLease by another", s.ReleaseLease(ctx, "shard-1", "replica-a"))
	_, err = s.ClaimLease(ctx, "shard-1", "replica-c", ttl)
	wantKind(t, "ClaimLease after a foreign release", err, flowdeck.ErrConflict)
	must(t, "ReleaseLease", s.ReleaseLease(ctx, "shard-1", "replica-b"))
	if l, err := s.ClaimLease(ctx, "shard-1", "replica-c", ttl); err != nil || l.Holder != "replica-c" {
		t.Fatalf("ClaimLease after release = %+v, %v; want replica-c", l, err)
	}
	must(t, "ReleaseLease of nothing", s.ReleaseLease(ctx, "shard-9", "replica-a"))

	_, err = s.ClaimLease(ctx, "", "replica-a", ttl)
	wantKind(t, "ClaimLease without name", err, flowdeck.ErrInvalid)
	_, err = s.ClaimLease(ctx, "shard-1", "replica-a", 0)
	wantKind(t, "ClaimLease without ttl", err, flowdeck.ErrInvalid)
}

// testLeasesConcurrent runs rounds in which the replicas claim the lease at
// once, moving the clock between rounds. In every round exactly one replica
// wins and the losers all see the winner's lease (or, in a renewal round, the
// lease as it was just before the renewal). While the lease has not
// expired the winner is its holder (a renewal); once it has expired the
// holder sits the round out, and the lease must pass to another replica.
func testLeasesConcurrent(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	holder, expires := "", time.Time{}
	steps := []time.Duration{0, ttl / 3, ttl / 3, ttl, time.Microsecond, ttl - time.Microsecond, 2 * ttl, 0, ttl / 2, ttl}
	handoffs, wantHandoffs := 0, 0
	for round, step := range steps {
		now := clk.Advance(step)
		expired := !stored(now).Before(expires)
		if expired {
			wantHandoffs++
		}
		leases := make([]flowdeck.Lease, workers)
		errs := parallel(workers, func(i int) error {
			name := fmt.Sprint("replica-", i)
			if expired && name == holder {
				return flowdeck.ErrConflict // sits this round out
			}
			var err error
			leases[i], err = s.ClaimLease(ctx, "shard-1", name, ttl)
			return err
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: replica-%d and replica-%d both hold the lease", round, winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, flowdeck.ErrConflict):
				t.Fatalf("round %d: replica-%d: got %v, want ErrConflict", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: nobody holds the lease", round)
		}
		won := leases[winner]
		if !expired && won.Holder != holder {
			t.Fatalf("round %d: %s took the lease while %s held it until %v", round, won.Holder, holder, expires)
		}
		if won.Holder != holder {
			handoffs++
		}
		for i, l := range leases {
			if fmt.Sprint("replica-", i) == holder && expired {
				continue
			}
			// A loser of a renewal round may read the lease before the renewal.
			if l.Holder != won.Holder || !(l.ExpiresAt.Equal(won.ExpiresAt) || !expired && l.ExpiresAt.Equal(expires)) {
				t.Fatalf("round %d: replica-%d sees %+v, want the winner's %+v", round, i, l, won)
			}
		}
		holder, expires = won.Holder, won.ExpiresAt
	}
	if handoffs != wantHandoffs || handoffs < 3 {
		t.Fatalf("the lease changed hands %d times, want %d (once per expiry, at least 3)", handoffs, wantHandoffs)
	}
}
