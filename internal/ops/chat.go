package ops

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ChatLookup finds a user's personal chat with FlowDeck (the conversation store).
type ChatLookup interface {
	PersonalConversation(ctx context.Context, tenantID, userID string) (flowdeck.ConversationRef, error)
}

// ChatInstaller installs FlowDeck in the signed-in user's personal scope
// through Microsoft Graph (graph.Client.InstallForUser): Teams then sends the
// bot its install events and the chat begins. It needs the delegated
// permission TeamsAppInstallation.ReadWriteSelfForUser, which an
// administrator may grant; without it the call fails with ErrForbidden (or
// ErrConsentRequired when Graph is not consented at all).
type ChatInstaller interface {
	InstallForUser(ctx context.Context, userID, catalogAppID string) error
}

// InstallRetry is how long ChatInvite waits before it tries to install
// FlowDeck again for a user after an attempt, whatever its outcome: a
// missing permission is not granted every minute, and Graph is not asked
// at every visit of the dashboard.
const InstallRetry = 24 * time.Hour

// ChatInvite tells the tab whether FlowDeck can post to the user in their
// personal chat and, when it cannot yet, the Teams deep link that opens
// that chat (Teams installs the app there when the user says hello, and the
// default subscription follows).
type ChatInvite struct {
	InChat bool `json:"inChat"`
	// Installed: FlowDeck has just installed itself in the user's personal
	// scope (ChatInstaller); its chat is there, Link opens it.
	Installed bool `json:"installed,omitempty"`
	// Link is https://<Teams web>/l/chat/0/0?users=28:<bot id>; empty when
	// InChat, or when FlowDeck does not know its bot id.
	Link string `json:"link,omitempty"`
}

// installAttempts remembers, per user, FlowDeck's last attempt to install
// itself, so that Graph is asked at most once per InstallRetry (and once at
// a time).
type installAttempts struct {
	mu sync.Mutex
	m  map[string]installAttempt
}

type installAttempt struct {
	at        time.Time
	installed bool
	running   bool
}

// ChatInvite reports whether the user has a personal chat with FlowDeck,
// and the deep link to start one when not. When it has none and FlowDeck may
// install itself (Options.Installer and CatalogAppID), it tries once per
// InstallRetry; a refusal (the permission not granted) or any failure of
// Graph is silent: the user gets the link, as without the installer.
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
	inv := ChatInvite{Link: s.teamsWeb + "/l/chat/0/0?users=28:" + url.QueryEscape(s.botID)}
	inv.Installed = s.selfInstall(ctx, p)
	return inv, nil
}

// selfInstall installs FlowDeck for p unless it was tried within
// InstallRetry (or is being tried), and reports whether it is installed.
func (s *Service) selfInstall(ctx context.Context, p flowdeck.Principal) bool {
	if s.installer == nil || s.catalogAppID == "" {
		return false
	}
	key := p.TenantID + "/" + p.UserID
	a := &s.attempts
	a.mu.Lock()
	last, seen := a.m[key]
	if seen && (last.running || s.now().Sub(last.at) < InstallRetry) {
		a.mu.Unlock()
		return last.installed
	}
	if a.m == nil {
		a.m = map[string]installAttempt{}
	}
	a.m[key] = installAttempt{at: s.now(), running: true}
	a.mu.Unlock()

	err := s.installer.InstallForUser(ctx, p.UserID, s.catalogAppID)
	// Installed now; or installed before (409), when Teams sent its events
	// long ago: the link then opens the chat that is there.
	installed := err == nil
	a.mu.Lock()
	a.m[key] = installAttempt{at: s.now(), installed: installed}
	a.mu.Unlock()
	return installed
}
