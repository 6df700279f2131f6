package flowdeck

import (
	"context"
	"time"
)

// Lease is an expiring claim of a named piece of work (a monitor shard) by one
// replica. Only the holder works on it until it expires.
type Lease struct {
	Name      string
	Holder    string
	ExpiresAt time.Time
}

// LeaseStore hands out leases.
type LeaseStore interface {
	// ClaimLease gives the lease to holder for ttl when it is free, expired, or
	// already held by holder (a renewal). When another holder has it, it returns
	// the current lease and ErrConflict. Two holders never hold a lease at once.
	ClaimLease(ctx context.Context, name, holder string, ttl time.Duration) (Lease, error)
	// ReleaseLease gives the lease up if holder holds it. Releasing a lease held by
	// another or by no one is not an error.
	ReleaseLease(ctx context.Context, name, holder string) error
	// ClaimLeases renews every lease among names that holder holds, then
	// claims free or expired ones among names until holder holds max of them
	// (fewer when the rest are held by others), and returns every lease among
	// names that is held now — holder's and the others' — sorted by name.
	// Rows locked by a concurrent claim are skipped, not waited for
	// (PostgreSQL FOR UPDATE SKIP LOCKED), so replicas claiming at once split
	// the names between them. max ≤ 0 only renews.
	ClaimLeases(ctx context.Context, names []string, holder string, ttl time.Duration, max int) ([]Lease, error)
}
