package flowdeck

import (
	"context"
	"time"
)

// CardState records where an action card lives (which conversation, which
// activity) and the state it shows, so that it can be refreshed and updated in
// place when the thing it shows changes.
type CardState struct {
	// Key names what the card shows ("approval:<env>:<id>", "alert:<sub>:<flow>").
	Key            string
	TenantID       string
	ConversationID string
	ActivityID     string
	// Kind is the card kind ("approval", "alert", "digest").
	Kind string
	// Data is the JSON the card was built from.
	Data []byte
	// Version increases on every update, for optimistic concurrency.
	Version   int
	UpdatedAt time.Time
}

// CardStore keeps card state.
type CardStore interface {
	// PutCard inserts the card for (key, conversation) with version 1, or updates
	// it when c.Version equals the stored version, storing version+1. A stale
	// version returns ErrConflict. It returns the stored card.
	PutCard(ctx context.Context, c CardState) (CardState, error)
	// GetCard returns the card for (key, conversation), or ErrNotFound.
	GetCard(ctx context.Context, key, conversationID string) (CardState, error)
	// ListCards returns every conversation's card for key.
	ListCards(ctx context.Context, key string) ([]CardState, error)
}
