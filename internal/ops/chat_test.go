package ops_test

import (
	"path/filepath"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// TestChatInvite: a user with no personal chat with FlowDeck gets the Teams
// deep link that opens one with the bot (28:<bot id>); once the chat is
// stored, none.
func TestChatInvite(t *testing.T) {
	cloud := cloudtest.New(t, cloudtest.Options{})
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlstore.Open(t.Context(), sqlstore.Options{URL: filepath.Join(t.TempDir(), "fd.db"), Keyring: k})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := ops.New(ops.Options{Flows: cloud.Flows, Overview: cloud.Overview, Apps: cloud.Apps, Subscriptions: st,
		Chats: st, BotID: "00000000-0000-0000-0000-0000000000b0", TeamsWeb: "https://teams.microsoft.com"})
	adele := cloudtest.Adele()
	ctx := cloudtest.As(adele)
	inv, err := s.ChatInvite(ctx)
	if err != nil || inv.InChat || inv.Link != "https://teams.microsoft.com/l/chat/0/0?users=28:00000000-0000-0000-0000-0000000000b0" {
		t.Fatalf("before the chat: %+v, %v", inv, err)
	}
	if err := st.PutConversation(ctx, flowdeck.ConversationRef{TenantID: adele.TenantID, ConversationID: "a:1", Scope: flowdeck.ScopePersonal,
		UserID: adele.ID, ServiceURL: "https://smba.trafficmanager.net/teams/", BotID: "28:bot", ChannelID: "msteams"}); err != nil {
		t.Fatal(err)
	}
	if inv, err := s.ChatInvite(ctx); err != nil || !inv.InChat || inv.Link != "" {
		t.Errorf("with the chat: %+v, %v", inv, err)
	}
}
