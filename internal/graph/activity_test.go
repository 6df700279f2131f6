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

// TestSendActivity: the notification reaches the fake Graph as sent (type,
// parameters, text topic with its deep link, preview clipped to 150
// characters); without TeamsActivity.Send the error is ErrForbidden naming
// the permission, and for a user without the app ErrNotFound.
func TestSendActivity(t *testing.T) {
	adele, megan := demo.Users()[0], demo.Users()[1]
	n := flowdeck.FeedNotification{ActivityType: "flowFailed", Parameters: []flowdeck.FeedParameter{{Name: "flowName", Value: "Invoice sync"}},
		Topic: "Invoice sync", WebURL: "https://teams.microsoft.com/l/entity/" + demo.ClientID + "/dashboard", Preview: strings.Repeat("x", 200)}
	app := fakegraph.CatalogApp{ID: demo.TeamsCatalogAppID, ExternalID: demo.ClientID, ClientID: demo.ClientID,
		ActivityTypes: map[string]string{"flowFailed": "{flowName} failed"}}

	c, g := setup(t, "User.Read", graph.FeedPermission)
	g.AddCatalogApp(app)
	if err := c.SendActivity(as(adele), megan.ID, n); !errors.Is(err, flowdeck.ErrNotFound) {
		t.Errorf("to a user without the app: %v, want not found", err)
	}
	g.MarkInstalled(megan.ID, demo.TeamsCatalogAppID)
	if err := c.SendActivity(as(adele), megan.ID, n); err != nil {
		t.Fatal(err)
	}
	got := g.Feed(megan.ID)
	if len(got) != 1 || got[0].Parameters["flowName"] != "Invoice sync" || got[0].TopicSource != "text" || got[0].WebURL != n.WebURL ||
		len([]rune(got[0].Preview)) > 150 {
		t.Errorf("recorded %+v", got)
	}

	c, g = setup(t, "User.Read")
	g.AddCatalogApp(app)
	g.MarkInstalled(megan.ID, demo.TeamsCatalogAppID)
	err := c.SendActivity(as(adele), megan.ID, n)
	if !errors.Is(err, flowdeck.ErrForbidden) || !strings.Contains(flowdeck.Message(err), graph.FeedPermission) {
		t.Errorf("without the permission: %v", err)
	}
}
