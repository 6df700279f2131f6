package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/google/uuid"
)

const subscriptionColumns = `id, tenant_id, user_id, conversation_id, target, environment_id, flow_id, flow_name,
	watermark, paused, muted_until, created_at, updated_at, auto`

// CreateSubscription stores sub with CreatedAt and UpdatedAt set to now,
// assigning a random ID when empty. It returns ErrInvalid when sub does not
// validate and ErrConflict when the user already watches the same target in
// the same conversation (or the ID is taken).
func (s *Store) CreateSubscription(ctx context.Context, sub flowdeck.Subscription) (flowdeck.Subscription, error) {
	if err := sub.Validate(); err != nil {
		return flowdeck.Subscription{}, err
	}
	if sub.ID == "" {
		sub.ID = uuid.NewString()
	}
	now := s.now()
	sub.CreatedAt, sub.UpdatedAt = now, now
	sub.Watermark, sub.MutedUntil = dbTime(sub.Watermark), dbTime(sub.MutedUntil)
	_, err := s.w.ExecContext(ctx, `
		INSERT INTO subscriptions (`+subscriptionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		sub.ID, sub.TenantID, sub.UserID, sub.ConversationID, sub.Target, sub.EnvironmentID, sub.FlowID, sub.FlowName,
		s.tv(sub.Watermark), sub.Paused, s.tv(sub.MutedUntil), s.tv(now), s.tv(now), sub.Auto)
	if s.d.isUnique(err) {
		return flowdeck.Subscription{}, flowdeck.Wrap(flowdeck.ErrConflict, err, "You already watch that here.")
	}
	if err != nil {
		return flowdeck.Subscription{}, s.dbError("create subscription", err)
	}
	return sub, nil
}

// GetSubscription returns one subscription, or ErrNotFound.
func (s *Store) GetSubscription(ctx context.Context, id string) (flowdeck.Subscription, error) {
	var sub flowdeck.Subscription
	err := s.r.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE id = $1`, id).
		Scan(subscriptionDest(&sub)...)
	if errors.Is(err, sql.ErrNoRows) {
		return flowdeck.Subscription{}, notFound("The subscription")
	}
	if err != nil {
		return flowdeck.Subscription{}, s.dbError("get subscription", err)
	}
	return sub, nil
}

func subscriptionDest(sub *flowdeck.Subscription) []any {
	return []any{&sub.ID, &sub.TenantID, &sub.UserID, &sub.ConversationID, &sub.Target, &sub.EnvironmentID,
		&sub.FlowID, &sub.FlowName, timeValue{&sub.Watermark}, &sub.Paused, timeValue{&sub.MutedUntil},
		timeValue{&sub.CreatedAt}, timeValue{&sub.UpdatedAt}, &sub.Auto}
}

// ListSubscriptions returns the subscriptions matching f, oldest first.
func (s *Store) ListSubscriptions(ctx context.Context, f flowdeck.SubscriptionFilter) ([]flowdeck.Subscription, error) {
	var where []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1))
	}
	if f.TenantID != "" {
		add("tenant_id = ?", f.TenantID)
	}
	if f.UserID != "" {
		add("user_id = ?", f.UserID)
	}
	if f.Active {
		add("paused = ?", false)
	}
	q := `SELECT ` + subscriptionColumns + ` FROM subscriptions`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY ` + s.d.subscriptionOrder
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.dbError("list subscriptions", err)
	}
	defer rows.Close()
	var out []flowdeck.Subscription
	for rows.Next() {
		var sub flowdeck.Subscription
		if err := rows.Scan(subscriptionDest(&sub)...); err != nil {
			return nil, s.dbError("list subscriptions", err)
		}
		out = append(out, sub)
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError("list subscriptions", err)
	}
	return out, nil
}

// DeleteSubscription removes one subscription, or returns ErrNotFound.
func (s *Store) DeleteSubscription(ctx context.Context, id string) error {
	return s.updateOne(ctx, "delete subscription", `DELETE FROM subscriptions WHERE id = $1`, id)
}

// AdvanceWatermark moves the watermark from `from` to `to` in one conditional
// UPDATE (compare-and-set). It returns ErrConflict when the stored watermark is
// not `from`, and ErrNotFound when the subscription is gone.
func (s *Store) AdvanceWatermark(ctx context.Context, id string, from, to time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE subscriptions SET watermark = $1, updated_at = $2 WHERE id = $3 AND watermark = $4`,
		s.tv(to), s.tv(s.now()), id, s.tv(from))
	if err != nil {
		return s.dbError("advance watermark", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return s.dbError("advance watermark", err)
	} else if n == 1 {
		return nil
	}
	if _, err := s.GetSubscription(ctx, id); err != nil {
		return err
	}
	return flowdeck.Errorf(flowdeck.ErrConflict, "The subscription's watermark moved; reload and try again.")
}

// SetPaused pauses or resumes every subscription of the user and returns how
// many changed. Only rows in the other state are touched, so of concurrent
// calls pausing the same user exactly one sees a non-zero count (the others
// wait for its row locks and then find nothing left to change).
func (s *Store) SetPaused(ctx context.Context, tenantID, userID string, paused bool) (int, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE subscriptions SET paused = $1, updated_at = $2 WHERE tenant_id = $3 AND user_id = $4 AND paused <> $1`,
		paused, s.tv(s.now()), tenantID, userID)
	if err != nil {
		return 0, s.dbError("set paused", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.dbError("set paused", err)
	}
	return int(n), nil
}

// SetMutedUntil mutes one subscription until t (zero unmutes), or returns ErrNotFound.
func (s *Store) SetMutedUntil(ctx context.Context, id string, t time.Time) error {
	return s.updateOne(ctx, "set muted until", `UPDATE subscriptions SET muted_until = $1, updated_at = $2 WHERE id = $3`,
		s.tv(t), s.tv(s.now()), id)
}

// updateOne runs a statement that must touch a subscription, or returns ErrNotFound.
func (s *Store) updateOne(ctx context.Context, op, query string, args ...any) error {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return s.dbError(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.dbError(op, err)
	}
	if n == 0 {
		return notFound("The subscription")
	}
	return nil
}
