package flowdeck

import (
	"context"
	"time"
)

// Snapshot is a user's latest answer to one question that is slow to ask
// upstream — the dashboard of a window — kept so that every replica can show
// it at once, with its age, while a live answer is on its way. Body is the
// answer as JSON; it names flows and runs, never a token.
type Snapshot struct {
	TenantID string
	UserID   string
	// Kind names the question, e.g. "dashboard/24h".
	Kind string
	// AsOf is when the live query that gave Body started.
	AsOf time.Time
	Body []byte
}

// SnapshotStore keeps each user's newest snapshot per kind.
type SnapshotStore interface {
	// PutSnapshot stores s unless a snapshot of the same user and kind at
	// least as new is there already (a slower query never hides a newer answer).
	// It returns ErrInvalid when a key field is empty or Body is not set.
	PutSnapshot(ctx context.Context, s Snapshot) error
	// GetSnapshot returns the user's snapshot of kind, or ErrNotFound.
	GetSnapshot(ctx context.Context, tenantID, userID, kind string) (Snapshot, error)
}
