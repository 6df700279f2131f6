package graph_test

import (
	"errors"
	"strings"
	"testing"

	"net/url"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	fakegraph "github.com/flowdeck/flowdeck/internal/fakecloud/graph"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/graph"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// setupFeed is setup with app-only Graph tokens from the fake Entra
// (client credentials through MSAL, per tenant) for SendActivity; the
// delegated token carries TeamsActivity.Send, which must not matter.
func setupFeed(t *testing.T) (*graph.Client, *fakegraph.Server, *entra.Server) {
	t.Helper()
	e, g, reg := fakes(t)
	aud, _ := reg.Get(identity.Graph)
	cred, err := identity.NewSecretCredential(demo.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	app, err := identity.NewTenantAppTokens(identity.AppTokenOptions{Authority: e.URL(), ClientID: demo.ClientID, Credential: cred,
		HTTPClient: e.Client(), Scope: aud.DefaultScope(), APIName: "Microsoft Graph", DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	hc := upstream.NewClient(upstream.Options{Tokens: mintTokens{e, reg, []string{"User.Read", graph.FeedPermission}}, Audiences: reg, Base: g.Client().Transport})
	base, _ := url.Parse(g.URL())
	return graph.New(graph.Options{BaseURL: base, HTTP: hc, AppTokens: app, AppHTTP: g.Client()}), g, e
}

// TestSendActivity: the notification reaches the fake Graph as sent by
// FlowDeck itself (app-only token of the recipient's tenant, no sending
// user; type, parameters, text topic with its deep link, preview clipped to
// 150 characters), to the signed-in user too; without the administrator's
// grant of the application permission TeamsActivity.Send the error is
// ErrForbidden naming it (the user's delegated TeamsActivity.Send does not
// count), and for a user without the app ErrNotFound.
func TestSendActivity(t *testing.T) {
	adele, megan := demo.Users()[0], demo.Users()[1]
	n := flowdeck.FeedNotification{ActivityType: "flowFailed", Parameters: []flowdeck.FeedParameter{{Name: "flowName", Value: "Invoice sync"}},
		Topic: "Invoice sync", WebURL: "https://teams.microsoft.com/l/entity/" + demo.ClientID + "/dashboard", Preview: strings.Repeat("x", 200)}
	app := fakegraph.CatalogApp{ID: demo.TeamsCatalogAppID, ExternalID: demo.ClientID, ClientID: demo.ClientID,
		ActivityTypes: map[string]string{"flowFailed": "{flowName} failed"}}

	c, g, e := setupFeed(t)
	g.AddCatalogApp(app)
	g.MarkInstalled(adele.ID, demo.TeamsCatalogAppID)
	e.GrantAppRoles(demo.OtherTenantID, demo.ClientID, entra.GraphResource, graph.FeedPermission) // another tenant's grant counts for nothing
	err := c.SendActivity(as(adele), adele.TenantID, adele.ID, n)
	if !errors.Is(err, flowdeck.ErrForbidden) || !strings.Contains(flowdeck.Message(err), graph.FeedPermission) ||
		!strings.Contains(flowdeck.Message(err), "application permission") {
		t.Errorf("without the application permission: %v", err)
	}
	// MSAL keeps the token without the role until it expires, as in
	// production; a new client after the grant.
	c, g, e = setupFeed(t)
	g.AddCatalogApp(app)
	g.MarkInstalled(adele.ID, demo.TeamsCatalogAppID)
	e.GrantAppRoles(adele.TenantID, demo.ClientID, entra.GraphResource, graph.FeedPermission)
	if err := c.SendActivity(as(adele), megan.TenantID, megan.ID, n); !errors.Is(err, flowdeck.ErrNotFound) {
		t.Errorf("to a user without the app: %v, want not found", err)
	}
	g.MarkInstalled(megan.ID, demo.TeamsCatalogAppID)
	if err := c.SendActivity(as(adele), megan.TenantID, megan.ID, n); err != nil {
		t.Fatal(err)
	}
	if err := c.SendActivity(as(adele), adele.TenantID, adele.ID, n); err != nil {
		t.Fatalf("to the signed-in user: %v", err)
	}
	got := g.Feed(megan.ID)
	if len(got) != 1 || got[0].SenderID != "" || got[0].AppID != demo.ClientID || got[0].Parameters["flowName"] != "Invoice sync" ||
		got[0].TopicSource != "text" || got[0].WebURL != n.WebURL || len([]rune(got[0].Preview)) > 150 {
		t.Errorf("recorded %+v", got)
	}
	if got := g.Feed(adele.ID); len(got) != 1 {
		t.Errorf("to the signed-in user: recorded %+v", got)
	}
	if err := c.SendActivity(as(adele), "not-a-tenant", megan.ID, n); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("a tenant id that is not a GUID: %v", err)
	}
}
