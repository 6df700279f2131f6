package ops

import (
	"context"
	"errors"
	"net/url"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ChatLookup finds a user's personal chat with FlowDeck (the conversation store).
type ChatLookup interface {
	PersonalConversation(ctx context.Context, tenantID, userID string) (flowdeck.ConversationRef, error)
}

// ChatInvite tells the tab whether FlowDeck can post to the user in their
// personal chat and, when it cannot yet, the Teams deep link that opens
// that chat (Teams installs the app there when the user says hello, and the
// default subscription follows).
type ChatInvite struct {
	InChat bool `json:"inChat"`
	// Link is https://<Teams web>/l/chat/0/0?users=28:<bot id>; empty when
	// InChat, or when FlowDeck does not know its bot id.
	Link string `json:"link,omitempty"`
}

// ChatInvite reports whether the user has a personal chat with FlowDeck,
// and the deep link to start one when not.
func (s *Service) ChatInvite(ctx context.Context) (ChatInvite, error) {
	p, err := principal(ctx)
	if err != nil {
		return ChatInvite{}, err
	}
	if s.chats != nil {
		_, err := s.chats.PersonalConversation(ctx, p.TenantID, p.UserID)
		if err == nil {
			return ChatInvite{InChat: true}, nil
		}
		if !errors.Is(err, flowdeck.ErrNotFound) {
			return ChatInvite{}, err
		}
	}
	if s.botID == "" || s.teamsWeb == "" {
		return ChatInvite{}, nil
	}
	return ChatInvite{Link: s.teamsWeb + "/l/chat/0/0?users=28:" + url.QueryEscape(s.botID)}, nil
}
