package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// PutSettings inserts or replaces the user's settings.
func (s *Store) PutSettings(ctx context.Context, us flowdeck.UserSettings) error {
	if us.TenantID == "" || us.UserID == "" {
		return invalid("Settings need a tenant and a user.")
	}
	if !flowdeck.ValidDelivery(us.Delivery) {
		return invalid("Alerts arrive in the chat, the activity feed, or both.")
	}
	_, err := s.w.ExecContext(ctx, `
		INSERT INTO user_settings (tenant_id, user_id, time_zone, digest_time, quiet_start, quiet_end, delivery, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (tenant_id, user_id) DO UPDATE SET
			time_zone = excluded.time_zone, digest_time = excluded.digest_time,
			quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, delivery = excluded.delivery, updated_at = excluded.updated_at`,
		us.TenantID, us.UserID, us.TimeZone, us.DigestTime, us.QuietStart, us.QuietEnd, us.Delivery, s.tv(s.now()))
	if err != nil {
		return s.dbError("put settings", err)
	}
	return nil
}

// GetSettings returns the user's settings, or ErrNotFound.
func (s *Store) GetSettings(ctx context.Context, tenantID, userID string) (flowdeck.UserSettings, error) {
	us := flowdeck.UserSettings{TenantID: tenantID, UserID: userID}
	err := s.r.QueryRowContext(ctx, `
		SELECT time_zone, digest_time, quiet_start, quiet_end, delivery, updated_at
		FROM user_settings WHERE tenant_id = $1 AND user_id = $2`, tenantID, userID).
		Scan(&us.TimeZone, &us.DigestTime, &us.QuietStart, &us.QuietEnd, &us.Delivery, timeValue{&us.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return flowdeck.UserSettings{}, notFound("The settings")
	}
	if err != nil {
		return flowdeck.UserSettings{}, s.dbError("get settings", err)
	}
	return us, nil
}

// ListDigests returns the settings of every user with a digest time.
func (s *Store) ListDigests(ctx context.Context) ([]flowdeck.UserSettings, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT tenant_id, user_id, time_zone, digest_time, quiet_start, quiet_end, delivery, updated_at
		FROM user_settings WHERE digest_time <> '' ORDER BY tenant_id, user_id`)
	if err != nil {
		return nil, s.dbError("list digests", err)
	}
	defer rows.Close()
	var out []flowdeck.UserSettings
	for rows.Next() {
		var us flowdeck.UserSettings
		if err := rows.Scan(&us.TenantID, &us.UserID, &us.TimeZone, &us.DigestTime, &us.QuietStart, &us.QuietEnd, &us.Delivery, timeValue{&us.UpdatedAt}); err != nil {
			return nil, s.dbError("list digests", err)
		}
		out = append(out, us)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError("list digests", err)
	}
	return out, nil
}
