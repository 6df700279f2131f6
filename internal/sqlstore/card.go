package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

const cardColumns = `card_key, conversation_id, tenant_id, activity_id, kind, data, version, updated_at`

// PutCard stores card state with optimistic versioning. Version 0 inserts the
// card with version 1 and returns ErrConflict when a card exists already for
// (key, conversation). A positive version updates the card when it equals the
// stored version, storing version+1; a stale version is ErrConflict and a
// missing card ErrNotFound. It returns the stored card.
func (s *Store) PutCard(ctx context.Context, c flowdeck.CardState) (flowdeck.CardState, error) {
	switch {
	case c.Key == "" || c.ConversationID == "":
		return flowdeck.CardState{}, invalid("A card needs a key and a conversation.")
	case c.Version < 0:
		return flowdeck.CardState{}, invalid("A card version cannot be negative.")
	}
	now := s.now()
	data := c.Data
	if data == nil {
		data = []byte{}
	}
	var res sql.Result
	var err error
	if c.Version == 0 {
		res, err = s.w.ExecContext(ctx, `
			INSERT INTO cards (`+cardColumns+`) VALUES ($1, $2, $3, $4, $5, $6, 1, $7)
			ON CONFLICT (card_key, conversation_id) DO NOTHING`,
			c.Key, c.ConversationID, c.TenantID, c.ActivityID, c.Kind, data, s.tv(now))
	} else {
		res, err = s.w.ExecContext(ctx, `
			UPDATE cards SET tenant_id = $1, activity_id = $2, kind = $3, data = $4, version = version + 1, updated_at = $5
			WHERE card_key = $6 AND conversation_id = $7 AND version = $8`,
			c.TenantID, c.ActivityID, c.Kind, data, s.tv(now), c.Key, c.ConversationID, c.Version)
	}
	if err != nil {
		return flowdeck.CardState{}, s.dbError("put card", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return flowdeck.CardState{}, s.dbError("put card", err)
	}
	if n == 1 {
		c.Version++
		c.UpdatedAt = now
		if len(c.Data) == 0 {
			c.Data = nil
		}
		return c, nil
	}
	if c.Version > 0 {
		if _, err := s.GetCard(ctx, c.Key, c.ConversationID); err != nil {
			return flowdeck.CardState{}, err
		}
	}
	return flowdeck.CardState{}, flowdeck.Errorf(flowdeck.ErrConflict, "The card changed; reload and try again.")
}

// GetCard returns the card for (key, conversation), or ErrNotFound.
func (s *Store) GetCard(ctx context.Context, key, conversationID string) (flowdeck.CardState, error) {
	var c flowdeck.CardState
	err := s.r.QueryRowContext(ctx, `SELECT `+cardColumns+` FROM cards WHERE card_key = $1 AND conversation_id = $2`,
		key, conversationID).Scan(cardDest(&c)...)
	if errors.Is(err, sql.ErrNoRows) {
		return flowdeck.CardState{}, notFound("The card")
	}
	if err != nil {
		return flowdeck.CardState{}, s.dbError("get card", err)
	}
	return normCard(c), nil
}

// ListCards returns every conversation's card for key, by conversation id.
func (s *Store) ListCards(ctx context.Context, key string) ([]flowdeck.CardState, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+cardColumns+` FROM cards WHERE card_key = $1 ORDER BY conversation_id`, key)
	if err != nil {
		return nil, s.dbError("list cards", err)
	}
	defer rows.Close()
	var out []flowdeck.CardState
	for rows.Next() {
		var c flowdeck.CardState
		if err := rows.Scan(cardDest(&c)...); err != nil {
			return nil, s.dbError("list cards", err)
		}
		out = append(out, normCard(c))
	}
	if err := rows.Err(); err != nil {
		return nil, s.dbError("list cards", err)
	}
	return out, nil
}

func cardDest(c *flowdeck.CardState) []any {
	return []any{&c.Key, &c.ConversationID, &c.TenantID, &c.ActivityID, &c.Kind, &c.Data, &c.Version, timeValue{&c.UpdatedAt}}
}

func normCard(c flowdeck.CardState) flowdeck.CardState {
	if len(c.Data) == 0 {
		c.Data = nil
	}
	return c
}
