package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

const conversationColumns = `tenant_id, conversation_id, scope, user_id, service_url, bot_id, channel_id, team_id, channel_name, updated_at`

// PutConversation inserts or replaces the reference for (tenant, conversation id).
func (s *Store) PutConversation(ctx context.Context, c flowdeck.ConversationRef) error {
	if c.TenantID == "" || c.ConversationID == "" {
		return invalid("A conversation reference needs a tenant and a conversation id.")
	}
	_, err := s.w.ExecContext(ctx, `
		INSERT INTO conversations (`+conversationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET
			scope = excluded.scope, user_id = excluded.user_id, service_url = excluded.service_url,
			bot_id = excluded.bot_id, channel_id = excluded.channel_id, team_id = excluded.team_id,
			channel_name = excluded.channel_name, updated_at = excluded.updated_at`,
		c.TenantID, c.ConversationID, c.Scope, c.UserID, c.ServiceURL, c.BotID, c.ChannelID, c.TeamID, c.ChannelName, s.tv(s.now()))
	if err != nil {
		return s.dbError("put conversation", err)
	}
	return nil
}

// GetConversation returns the reference, or ErrNotFound.
func (s *Store) GetConversation(ctx context.Context, tenantID, conversationID string) (flowdeck.ConversationRef, error) {
	return s.scanConversation(ctx, "get conversation", `
		SELECT `+conversationColumns+` FROM conversations WHERE tenant_id = $1 AND conversation_id = $2`,
		tenantID, conversationID)
}

// PersonalConversation returns the user's most recently written 1:1
// conversation with the bot, or ErrNotFound.
func (s *Store) PersonalConversation(ctx context.Context, tenantID, userID string) (flowdeck.ConversationRef, error) {
	return s.scanConversation(ctx, "personal conversation", `
		SELECT `+conversationColumns+` FROM conversations
		WHERE tenant_id = $1 AND user_id = $2 AND scope = $3
		ORDER BY updated_at DESC, conversation_id LIMIT 1`,
		tenantID, userID, flowdeck.ScopePersonal)
}

func (s *Store) scanConversation(ctx context.Context, op, query string, args ...any) (flowdeck.ConversationRef, error) {
	var c flowdeck.ConversationRef
	err := s.r.QueryRowContext(ctx, query, args...).Scan(&c.TenantID, &c.ConversationID, &c.Scope, &c.UserID,
		&c.ServiceURL, &c.BotID, &c.ChannelID, &c.TeamID, &c.ChannelName, timeValue{&c.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return flowdeck.ConversationRef{}, notFound("The conversation")
	}
	if err != nil {
		return flowdeck.ConversationRef{}, s.dbError(op, err)
	}
	return c, nil
}

// DeleteConversation removes the reference. Deleting nothing is not an error.
func (s *Store) DeleteConversation(ctx context.Context, tenantID, conversationID string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM conversations WHERE tenant_id = $1 AND conversation_id = $2`, tenantID, conversationID); err != nil {
		return s.dbError("delete conversation", err)
	}
	return nil
}
