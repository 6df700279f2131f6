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
}
