package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func shardNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("monitor/shard-%02d", i)
	}
	return names
}

// mine returns the leases of holder among ls.
func mine(ls []flowdeck.Lease, holder string) []flowdeck.Lease {
	var out []flowdeck.Lease
	for _, l := range ls {
		if l.Holder == holder {
			out = append(out, l)
		}
	}
	return out
}

func leaseNames(ls []flowdeck.Lease) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Name
	}
	return out
}

// testLeaseSet covers ClaimLeases: claiming up to max, renewing, sharing with
// another holder, and taking over expired leases.
func testLeaseSet(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	names := shardNames(6)

	all, err := s.ClaimLeases(ctx, names, "replica-a", ttl, 3)
	must(t, "ClaimLeases a", err)
	a := mine(all, "replica-a")
	if got := leaseNames(a); !slices.Equal(got, names[:3]) {
		t.Fatalf("replica-a holds %v, want %v", got, names[:3])
	}
	for _, l := range a {
		if l.Holder != "replica-a" {
			t.Fatalf("lease %s held by %q, want replica-a", l.Name, l.Holder)
		}
		wantTime(t, "ExpiresAt", l.ExpiresAt, clk.Now().Add(ttl))
	}
	// Asking for more than is free gives what is free.
	all, err = s.ClaimLeases(ctx, names, "replica-b", ttl, 6)
	must(t, "ClaimLeases b", err)
	if len(all) != 6 {
		t.Fatalf("ClaimLeases returned %d live leases, want all 6 (both holders')", len(all))
	}
	b := mine(all, "replica-b")
	if got := leaseNames(b); !slices.Equal(got, names[3:]) {
		t.Fatalf("replica-b holds %v, want %v", got, names[3:])
	}
	// A single-lease claim sees the same rows.
	_, err = s.ClaimLease(ctx, names[0], "replica-b", ttl)
	wantKind(t, "ClaimLease of a lease in a set", err, flowdeck.ErrConflict)

	// Renewal moves every expiry; max 0 only renews.
	now := clk.Advance(ttl / 2)
	all, err = s.ClaimLeases(ctx, names, "replica-a", ttl, 0)
	must(t, "ClaimLeases renew", err)
	a = mine(all, "replica-a")
	if got := leaseNames(a); !slices.Equal(got, names[:3]) {
		t.Fatalf("after renewal replica-a holds %v, want %v", got, names[:3])
	}
	for _, l := range a {
		wantTime(t, "renewed ExpiresAt", l.ExpiresAt, now.Add(ttl))
	}

	// replica-b stops renewing: after its expiry replica-a takes its leases over.
	clk.Advance(ttl/2 + time.Microsecond)
	all, err = s.ClaimLeases(ctx, names, "replica-a", ttl, 6)
	must(t, "ClaimLeases takeover", err)
	a = mine(all, "replica-a")
	if got := leaseNames(a); !slices.Equal(got, names) {
		t.Fatalf("after replica-b expired replica-a holds %v, want all %v", got, names)
	}
	all, err = s.ClaimLeases(ctx, names, "replica-b", ttl, 6)
	must(t, "ClaimLeases by the old holder", err)
	b = mine(all, "replica-b")
	if len(b) != 0 {
		t.Fatalf("the old holder still holds %v", leaseNames(b))
	}

	// Released leases are free again.
	must(t, "ReleaseLease", s.ReleaseLease(ctx, names[5], "replica-a"))
	all, err = s.ClaimLeases(ctx, names, "replica-b", ttl, 6)
	must(t, "ClaimLeases after release", err)
	b = mine(all, "replica-b")
	if got := leaseNames(b); !slices.Equal(got, names[5:]) {
		t.Fatalf("after release replica-b holds %v, want %v", got, names[5:])
	}

	_, err = s.ClaimLeases(ctx, names, "", ttl, 1)
	wantKind(t, "ClaimLeases without holder", err, flowdeck.ErrInvalid)
	_, err = s.ClaimLeases(ctx, names, "replica-a", 0, 1)
	wantKind(t, "ClaimLeases without ttl", err, flowdeck.ErrInvalid)
	_, err = s.ClaimLeases(ctx, []string{""}, "replica-a", ttl, 1)
	wantKind(t, "ClaimLeases with an empty name", err, flowdeck.ErrInvalid)
}

// testLeaseSetConcurrent has every worker claim half of the shards at once,
// round after round with expiry in between: no lease ever has two holders,
// and every shard is held after each round.
func testLeaseSetConcurrent(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	names := shardNames(16)
	for round := range 5 {
		held := make([][]flowdeck.Lease, workers)
		errs := parallel(workers, func(i int) error {
			var err error
			name := fmt.Sprintf("replica-%d-%d", round, i)
			all, err := s.ClaimLeases(ctx, names, name, ttl, len(names)/2)
			held[i] = mine(all, name)
			return err
		})
		owner := map[string]int{}
		for i, err := range errs {
			must(t, "ClaimLeases", err)
			if len(held[i]) > len(names)/2 {
				t.Fatalf("round %d: worker %d holds %d leases, asked for at most %d", round, i, len(held[i]), len(names)/2)
			}
			for _, l := range held[i] {
				if j, dup := owner[l.Name]; dup {
					t.Fatalf("round %d: %s held by workers %d and %d", round, l.Name, j, i)
				}
				owner[l.Name] = i
			}
		}
		if len(owner) != len(names) {
			t.Fatalf("round %d: %d of %d shards held after every worker claimed", round, len(owner), len(names))
		}
		clk.Advance(ttl)
	}
}
