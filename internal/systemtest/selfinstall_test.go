package systemtest

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// chatInvite is GET /api/chat as u.
func (s *stack) chatInvite(t *testing.T, u demo.User) ops.ChatInvite {
	t.Helper()
	a := s.tab(faultCtx(t), t, u, http.MethodGet, "/api/chat", "")
	var inv ops.ChatInvite
	if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &inv) != nil {
		t.Fatalf("GET /api/chat as %s = %d %.300s", u.Name, a.status, a.body)
	}
	return inv
}

// TestSelfInstallWithThePermission: a user who uses the tab and never opened
// the bot, in a tenant whose admin granted FlowDeck
// TeamsAppInstallation.ReadWriteSelfForUser. The tab's chat offer installs
// FlowDeck in their personal scope through Graph (the fake Graph then plays
// Teams: the bot gets installationUpdate and conversationUpdate), the tab
// says so, the bot greets them, and the monitor posts the card of a new
// approval and the alert of a failed run to that chat. Graph is asked once.
func TestSelfInstallWithThePermission(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	s.Cloud.Entra.GrantAdminConsent(demo.TenantID, demo.ClientID, entra.GraphResource, "TeamsAppInstallation.ReadWriteSelfForUser")
	lidia := demo.Users()[2]

	// The dashboard first, as the tab loads it: the user is signed in.
	if a := s.tab(ctx, t, lidia, http.MethodGet, "/api/dashboard", ""); a.status != http.StatusOK {
		t.Fatalf("GET /api/dashboard = %d %.300s", a.status, a.body)
	}
	inv := s.chatInvite(t, lidia)
	if inv.InChat || !inv.Installed || inv.Link == "" {
		t.Fatalf("the first chat offer = %+v; want installed, with the link to the chat", inv)
	}
	if !s.Cloud.Graph.Installed(lidia.ID, demo.TeamsCatalogAppID) {
		t.Fatal("Graph has no installation of FlowDeck for the user")
	}
	// Signed in by the tab, the user gets the default subscription with the welcome.
	s.waitCards(ctx, t, lidia, "Welcome to FlowDeck", 1)
	s.waitCards(ctx, t, lidia, "Pause failure alerts for a week", 1)
	waitUntil(ctx, t, "the personal conversation is stored", func() bool {
		_, err := s.Main.Parts().Store.PersonalConversation(ctx, lidia.TenantID, lidia.ID)
		return err == nil
	})
	if inv := s.chatInvite(t, lidia); !inv.InChat {
		t.Errorf("the chat offer once the chat is there = %+v; want inChat", inv)
	}
	if n := s.Cloud.Graph.Installs(); n != 1 {
		t.Errorf("%d install requests reached Graph, want 1", n)
	}

	subs, err := s.Main.Parts().Store.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: lidia.TenantID, UserID: lidia.ID})
	if err != nil || len(subs) != 1 || !subs[0].Auto {
		t.Fatalf("subscriptions after the self-install = %+v, %v; want the one default", subs, err)
	}
	const title = "Monitor for the new desk"
	s.addApproval(t, lidia, title)
	s.waitCards(ctx, t, lidia, title, 1)
	wantAlertOnce(ctx, t, s, lidia, subs[0].ID, s.failRun(t, lidia))
}

// TestSelfInstallWithoutThePermission: without the permission Graph refuses
// the install (403, nothing installed) and the tab gets the offer's link, as
// before; FlowDeck does not ask Graph again at the next visit, and sends
// nothing to a chat that does not exist.
func TestSelfInstallWithoutThePermission(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	megan := demo.Users()[1]
	for i := range 2 {
		inv := s.chatInvite(t, megan)
		if inv.InChat || inv.Installed || inv.Link == "" {
			t.Fatalf("chat offer %d = %+v; want the link only", i+1, inv)
		}
	}
	if s.Cloud.Graph.Installed(megan.ID, demo.TeamsCatalogAppID) {
		t.Error("Graph installed FlowDeck without the permission")
	}
	if n := s.Cloud.Graph.Installs(); n != 1 {
		t.Errorf("%d install requests reached Graph in two visits, want 1", n)
	}
	if recs := s.Cloud.Connector.Records(s.Driver.ConversationID(megan)); len(recs) != 0 {
		t.Errorf("%d activities went to a chat the user never opened", len(recs))
	}
}
