package sqlstore

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// pruneActivitiesOneIn is how rarely (one claim in this many) a claim also
// deletes the expired activity keys.
const pruneActivitiesOneIn = 512

// ClaimActivity records key until expires with one statement: an insert that
// takes over the row of an expired key and leaves a live one alone, so that
// exactly one of several concurrent claims affects a row. A live key is
// ErrConflict. One claim in pruneActivitiesOneIn also deletes the expired
// keys.
func (s *Store) ClaimActivity(ctx context.Context, key string, expires time.Time) error {
	if key == "" {
		return invalid("An activity key is required.")
	}
	now := s.now()
	res, err := s.w.ExecContext(ctx, `
		INSERT INTO activities (activity_key, expires_at) VALUES ($1, $2)
		ON CONFLICT (activity_key) DO UPDATE SET expires_at = excluded.expires_at
		WHERE activities.expires_at <= $3`,
		key, s.tv(expires), s.tv(now))
	if err != nil {
		return s.dbError("claim activity", err)
	}
	won, err := res.RowsAffected()
	if err != nil {
		return s.dbError("claim activity", err)
	}
	if rand.IntN(pruneActivitiesOneIn) == 0 {
		if _, err := s.w.ExecContext(ctx, `DELETE FROM activities WHERE expires_at <= $1`, s.tv(now)); err != nil {
			return s.dbError("prune activities", err)
		}
	}
	if won == 0 {
		return flowdeck.Errorf(flowdeck.ErrConflict, "That activity was handled already.")
	}
	return nil
}
