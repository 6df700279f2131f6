package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// PutSnapshot stores sn unless the user's snapshot of that kind is at least as new.
func (s *Store) PutSnapshot(ctx context.Context, sn flowdeck.Snapshot) error {
	if sn.TenantID == "" || sn.UserID == "" || sn.Kind == "" || len(sn.Body) == 0 || sn.AsOf.IsZero() {
		return invalid("A snapshot needs a tenant, a user, a kind, a time and a body.")
	}
	_, err := s.w.ExecContext(ctx, `
		INSERT INTO snapshots (tenant_id, user_id, kind, as_of, body) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (tenant_id, user_id, kind) DO UPDATE SET as_of = excluded.as_of, body = excluded.body
			WHERE snapshots.as_of < excluded.as_of`,
		sn.TenantID, sn.UserID, sn.Kind, s.tv(sn.AsOf), sn.Body)
	if err != nil {
		return s.dbError("put snapshot", err)
	}
	return nil
}

// GetSnapshot returns the user's snapshot of kind, or ErrNotFound.
func (s *Store) GetSnapshot(ctx context.Context, tenantID, userID, kind string) (flowdeck.Snapshot, error) {
	sn := flowdeck.Snapshot{TenantID: tenantID, UserID: userID, Kind: kind}
	err := s.r.QueryRowContext(ctx, `SELECT as_of, body FROM snapshots WHERE tenant_id = $1 AND user_id = $2 AND kind = $3`,
		tenantID, userID, kind).Scan(timeValue{&sn.AsOf}, &sn.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return flowdeck.Snapshot{}, notFound("The snapshot")
	}
	if err != nil {
		return flowdeck.Snapshot{}, s.dbError("get snapshot", err)
	}
	return sn, nil
}
