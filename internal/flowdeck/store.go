package flowdeck

import "context"

// Store is all of FlowDeck's state, behind one port. The sqlstore package
// implements it on SQLite and PostgreSQL; both pass one conformance suite.
type Store interface {
	TokenStore
	ConversationStore
	SubscriptionStore
	NotificationLog
	CardStore
	LeaseStore
	ActivityLog
	SnapshotStore
	BulkJobStore
	// Ping reports whether the store is reachable (readiness).
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}
