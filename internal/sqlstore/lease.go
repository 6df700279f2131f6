package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
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

// ClaimLeases renews holder's leases among names and claims free or expired
// ones until holder holds max, in one transaction, and returns every live
// lease among names. Missing rows are first
// inserted as free (expired) placeholders so that they can be locked. On
// PostgreSQL the candidates are selected FOR UPDATE SKIP LOCKED: replicas
// claiming at the same moment skip each other's rows instead of queueing
// behind them, and so split the names. SQLite has one writer and needs no
// row locks.
func (s *Store) ClaimLeases(ctx context.Context, names []string, holder string, ttl time.Duration, max int) ([]flowdeck.Lease, error) {
	switch {
	case len(names) == 0:
		return nil, nil
	case holder == "":
		return nil, invalid("A lease needs a holder.")
	case ttl <= 0:
		return nil, invalid("A lease needs a positive duration.")
	}
	if slices.Contains(names, "") {
		return nil, invalid("A lease needs a name.")
	}
	now := s.now()
	expires := dbTime(now.Add(ttl))
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.dbError("claim leases", err)
	}
	defer tx.Rollback()
	// One statement makes every missing row, as a free placeholder.
	values := make([]string, len(names))
	for i := range names {
		values[i] = "($" + strconv.Itoa(i+2) + ", '', $1)"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES `+strings.Join(values, ", ")+` ON CONFLICT (name) DO NOTHING`,
		append([]any{s.tv(time.Unix(0, 0))}, args...)...); err != nil {
		return nil, s.dbError("claim leases", err)
	}
	res, err := tx.ExecContext(ctx, `UPDATE leases SET expires_at = $1 WHERE holder = $2 AND name IN (`+inFrom(3, len(names))+`)`,
		append([]any{s.tv(expires), holder}, args...)...)
	if err != nil {
		return nil, s.dbError("claim leases", err)
	}
	held, err := res.RowsAffected()
	if err != nil {
		return nil, s.dbError("claim leases", err)
	}
	if need := int64(max) - held; need > 0 {
		lock := ""
		if s.d.name == "postgres" {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		rows, err := tx.QueryContext(ctx, `SELECT name FROM leases WHERE holder <> $1 AND expires_at <= $2 AND name IN (`+inFrom(3, len(names))+`)
			ORDER BY name LIMIT `+strconv.FormatInt(need, 10)+lock, append([]any{holder, s.tv(now)}, args...)...)
		if err != nil {
			return nil, s.dbError("claim leases", err)
		}
		var free []any
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, s.dbError("claim leases", err)
			}
			free = append(free, n)
		}
		if err := rows.Close(); err != nil {
			return nil, s.dbError("claim leases", err)
		}
		if len(free) > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE leases SET holder = $1, expires_at = $2 WHERE expires_at <= $3 AND name IN (`+inFrom(4, len(free))+`)`,
				append([]any{holder, s.tv(expires), s.tv(now)}, free...)...); err != nil {
				return nil, s.dbError("claim leases", err)
			}
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT name, holder, expires_at FROM leases WHERE holder <> '' AND expires_at > $1 AND name IN (`+inFrom(2, len(names))+`) ORDER BY name`,
		append([]any{s.tv(now)}, args...)...)
	if err != nil {
		return nil, s.dbError("claim leases", err)
	}
	var out []flowdeck.Lease
	for rows.Next() {
		var l flowdeck.Lease
		if err := rows.Scan(&l.Name, &l.Holder, timeValue{&l.ExpiresAt}); err != nil {
			rows.Close()
			return nil, s.dbError("claim leases", err)
		}
		out = append(out, l)
	}
	if err := rows.Close(); err != nil {
		return nil, s.dbError("claim leases", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, s.dbError("claim leases", err)
	}
	return out, nil
}

// inFrom returns n placeholders "$first, …, $first+n-1".
func inFrom(first, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(first+i))
	}
	return b.String()
}
