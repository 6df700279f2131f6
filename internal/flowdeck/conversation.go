package flowdeck

import (
	"context"
	"time"
)

// Conversation scopes, as Teams names them in conversation.conversationType.
const (
	ScopePersonal  = "personal"
	ScopeGroupChat = "groupChat"
	ScopeChannel   = "channel"
)

// ConversationRef is what the bot needs to post into a conversation later
// (proactive messages): where the conversation lives and how to reach it.
type ConversationRef struct {
	TenantID       string
	ConversationID string
	// Scope is ScopePersonal, ScopeGroupChat or ScopeChannel.
	Scope string
	// UserID is the Entra object id of the user, for personal conversations.
	UserID string
	// ServiceURL is the Bot Connector endpoint for this conversation.
	ServiceURL string
	// BotID is the bot's channel account id (28:…).
	BotID string
	// ChannelID is the Bot Framework channel ("msteams").
	ChannelID string
	// TeamID and ChannelName describe a team channel conversation.
	TeamID      string
	ChannelName string
	// UpdatedAt is set by the store on every write.
	UpdatedAt time.Time
}

// ConversationStore keeps conversation references.
type ConversationStore interface {
	// PutConversation inserts or replaces the reference for (tenant, conversation id).
	PutConversation(ctx context.Context, c ConversationRef) error
	// GetConversation returns the reference, or ErrNotFound.
	GetConversation(ctx context.Context, tenantID, conversationID string) (ConversationRef, error)
	// PersonalConversation returns the user's 1:1 conversation with the bot, or ErrNotFound.
	PersonalConversation(ctx context.Context, tenantID, userID string) (ConversationRef, error)
	// DeleteConversation removes the reference (bot uninstalled). Deleting nothing is not an error.
	DeleteConversation(ctx context.Context, tenantID, conversationID string) error
}
