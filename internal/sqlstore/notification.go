package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// claimAttempts bounds how often a claim retries when the row it lost to
// disappears before it can be read (released concurrently).
const claimAttempts = 5

// ClaimNotification inserts n as pending with CreatedAt and UpdatedAt set to
// now (INSERT … ON CONFLICT DO NOTHING, so exactly one of several concurrent
// claims wins). When the key exists already it returns the existing entry and
// ErrConflict.
func (s *Store) ClaimNotification(ctx context.Context, n flowdeck.Notification) (flowdeck.Notification, error) {
	if n.Key == "" {
		return flowdeck.Notification{}, invalid("A notification needs a dedupe key.")
	}
	for range claimAttempts {
		now := s.now()
		res, err := s.w.ExecContext(ctx, `
			INSERT INTO notifications (dedupe_key, subscription_id, tenant_id, conversation_id, activity_id, state, count, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT (dedupe_key) DO NOTHING`,
			n.Key, n.SubscriptionID, n.TenantID, n.ConversationID, n.ActivityID, flowdeck.NotificationPending, n.Count, s.tv(now))
		if err != nil {
			return flowdeck.Notification{}, s.dbError("claim notification", err)
		}
		won, err := res.RowsAffected()
		if err != nil {
			return flowdeck.Notification{}, s.dbError("claim notification", err)
		}
		if won == 1 {
			n.State, n.CreatedAt, n.UpdatedAt = flowdeck.NotificationPending, now, now
			return n, nil
		}
		existing, err := s.GetNotification(ctx, n.Key)
		if errors.Is(err, flowdeck.ErrNotFound) {
			continue // released between our insert and our read; claim again
		}
		if err != nil {
			return flowdeck.Notification{}, err
		}
		return existing, flowdeck.Errorf(flowdeck.ErrConflict, "That notification was claimed already.")
	}
	return flowdeck.Notification{}, flowdeck.Errorf(flowdeck.ErrConflict, "That notification keeps changing; try again.")
}

// CompleteNotification marks the entry sent with its activity id and count,
// or returns ErrNotFound.
func (s *Store) CompleteNotification(ctx context.Context, key, activityID string, count int) error {
	res, err := s.w.ExecContext(ctx, `UPDATE notifications SET state = $1, activity_id = $2, count = $3, updated_at = $4 WHERE dedupe_key = $5`,
		flowdeck.NotificationSent, activityID, count, s.tv(s.now()), key)
	if err != nil {
		return s.dbError("complete notification", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.dbError("complete notification", err)
	} else if n == 0 {
		return notFound("The notification")
	}
	return nil
}

// ReleaseNotification deletes a pending entry so that it can be claimed
// again. A sent entry is kept and ErrConflict returned; releasing a key that
// does not exist is not an error.
func (s *Store) ReleaseNotification(ctx context.Context, key string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM notifications WHERE dedupe_key = $1 AND state = $2`, key, flowdeck.NotificationPending)
	if err != nil {
		return s.dbError("release notification", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.dbError("release notification", err)
	} else if n == 1 {
		return nil
	}
	_, err = s.GetNotification(ctx, key)
	switch {
	case errors.Is(err, flowdeck.ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	return flowdeck.Errorf(flowdeck.ErrConflict, "That notification was sent already.")
}

// GetNotification returns the entry, or ErrNotFound.
func (s *Store) GetNotification(ctx context.Context, key string) (flowdeck.Notification, error) {
	n := flowdeck.Notification{Key: key}
	err := s.r.QueryRowContext(ctx, `
		SELECT subscription_id, tenant_id, conversation_id, activity_id, state, count, created_at, updated_at
		FROM notifications WHERE dedupe_key = $1`, key).
		Scan(&n.SubscriptionID, &n.TenantID, &n.ConversationID, &n.ActivityID, &n.State, &n.Count,
			timeValue{&n.CreatedAt}, timeValue{&n.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return flowdeck.Notification{}, notFound("The notification")
	}
	if err != nil {
		return flowdeck.Notification{}, s.dbError("get notification", err)
	}
	return n, nil
}
