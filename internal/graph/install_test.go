package graph_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	fakegraph "github.com/flowdeck/flowdeck/internal/fakecloud/graph"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/graph"
)

// TestInstallForUser: with the permission FlowDeck installs itself once (the
// second time is ErrAlreadyInstalled, a conflict); without it, ErrForbidden
// with a sentence naming the permission; an unknown catalog id is
// ErrNotFound; ids that are not GUIDs are never sent.
func TestInstallForUser(t *testing.T) {
	adele := demo.Users()[0]
	c, g := setup(t, "User.Read", graph.InstallPermission)
	g.AddCatalogApp(fakegraph.CatalogApp{ID: demo.TeamsCatalogAppID, ExternalID: demo.ClientID, ClientID: demo.ClientID})
	if err := c.InstallForUser(as(adele), adele.ID, demo.TeamsCatalogAppID); err != nil {
		t.Fatalf("install: %v", err)
	}
	if !g.Installed(adele.ID, demo.TeamsCatalogAppID) {
		t.Fatal("not installed")
	}
	if err := c.InstallForUser(as(adele), adele.ID, demo.TeamsCatalogAppID); !errors.Is(err, graph.ErrAlreadyInstalled) || !errors.Is(err, flowdeck.ErrConflict) {
		t.Errorf("second install: %v, want already installed", err)
	}
	if err := c.InstallForUser(as(adele), adele.ID, "99999999-9999-4999-8999-999999999999"); !errors.Is(err, flowdeck.ErrNotFound) {
		t.Errorf("unknown catalog id: %v, want not found", err)
	}
	before := g.Installs()
	if err := c.InstallForUser(as(adele), "me/../../admin", demo.TeamsCatalogAppID); !errors.Is(err, flowdeck.ErrInvalid) || g.Installs() != before {
		t.Errorf("a user id that is not a GUID: %v, %d requests sent", err, g.Installs()-before)
	}

	c, g = setup(t, "User.Read", "User.ReadBasic.All")
	g.AddCatalogApp(fakegraph.CatalogApp{ID: demo.TeamsCatalogAppID, ExternalID: demo.ClientID, ClientID: demo.ClientID})
	err := c.InstallForUser(as(adele), adele.ID, demo.TeamsCatalogAppID)
	if !errors.Is(err, flowdeck.ErrForbidden) || flowdeck.Message(err) == "" || g.Installed(adele.ID, demo.TeamsCatalogAppID) {
		t.Fatalf("without the permission: %v", err)
	}
	if m := flowdeck.Message(err); !strings.Contains(m, graph.InstallPermission) {
		t.Errorf("the refusal does not name the permission: %q", m)
	}
}
