package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ClaimLease gives the lease to holder until now+ttl when it is free, expired
// or already held by holder, in one INSERT … ON CONFLICT DO UPDATE … WHERE, so
// two holders never hold it at once. When another holder has it, it returns
// the current lease and ErrConflict. Expiry is judged by Options.Now.
func (s *Store) ClaimLease(ctx context.Context, name, holder string, ttl time.Duration) (flowdeck.Lease, error) {
	switch {
	case name == "" || holder == "":
		return flowdeck.Lease{}, invalid("A lease needs a name and a holder.")
	case ttl <= 0:
		return flowdeck.Lease{}, invalid("A lease needs a positive duration.")
	}
	for range claimAttempts {
		now := s.now()
		expires := dbTime(now.Add(ttl))
		res, err := s.w.ExecContext(ctx, `
			INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
			WHERE leases.holder = excluded.holder OR leases.expires_at <= $4`,
			name, holder, s.tv(expires), s.tv(now))
		if err != nil {
			return flowdeck.Lease{}, s.dbError("claim lease", err)
		}
		won, err := res.RowsAffected()
		if err != nil {
			return flowdeck.Lease{}, s.dbError("claim lease", err)
		}
		if won == 1 {
			return flowdeck.Lease{Name: name, Holder: holder, ExpiresAt: expires}, nil
		}
		cur := flowdeck.Lease{Name: name}
		err = s.w.QueryRowContext(ctx, `SELECT holder, expires_at FROM leases WHERE name = $1`, name).
			Scan(&cur.Holder, timeValue{&cur.ExpiresAt})
		if errors.Is(err, sql.ErrNoRows) {
			continue // released between our claim and our read; claim again
		}
		if err != nil {
			return flowdeck.Lease{}, s.dbError("claim lease", err)
		}
		return cur, flowdeck.Errorf(flowdeck.ErrConflict, "Another replica holds that lease.")
	}
	return flowdeck.Lease{}, flowdeck.Errorf(flowdeck.ErrConflict, "That lease keeps changing hands; try again.")
}

// ReleaseLease gives the lease up if holder holds it. Releasing a lease held
// by another or by no one is not an error.
func (s *Store) ReleaseLease(ctx context.Context, name, holder string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder); err != nil {
		return s.dbError("release lease", err)
	}
	return nil
}
