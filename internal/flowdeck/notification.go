package flowdeck

import (
	"context"
	"time"
)

// Notification states.
const (
	// NotificationPending means the key is claimed and delivery is under way.
	NotificationPending = "pending"
	// NotificationSent means the card was delivered.
	NotificationSent = "sent"
)

// Notification is one entry of the notification log: a dedupe key claimed
// before a card goes out, completed with the activity id once it went out, so
// that the card can be updated in place and is never sent twice.
type Notification struct {
	// Key is the dedupe key, unique across the log ("sub:<id>:run:<run id>").
	Key            string
	SubscriptionID string
	TenantID       string
	ConversationID string
	// ActivityID is the id of the posted activity, for in-place updates.
	ActivityID string
	// State is NotificationPending or NotificationSent.
	State string
	// Count is how many events the card stands for ("failed 37 times").
	Count     int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// NotificationLog is the dedupe log of proactive notifications.
type NotificationLog interface {
	// ClaimNotification inserts n as pending. When the key exists already it
	// returns the existing entry and ErrConflict; exactly one of several
	// concurrent claims of a key succeeds.
	ClaimNotification(ctx context.Context, n Notification) (Notification, error)
	// CompleteNotification marks the entry sent with its activity id and count,
	// or returns ErrNotFound.
	CompleteNotification(ctx context.Context, key, activityID string, count int) error
	// ReleaseNotification deletes a pending entry whose delivery failed, so it
	// can be claimed again. A sent entry is kept and ErrConflict returned.
	ReleaseNotification(ctx context.Context, key string) error
	// GetNotification returns the entry, or ErrNotFound.
	GetNotification(ctx context.Context, key string) (Notification, error)
}
