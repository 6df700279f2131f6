package graph

import (
	"context"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

const otherClientID = "0a1b2c3d-0000-4000-8000-00000000c0de"

func bindOf(g *Server, id string) map[string]any {
	return map[string]any{"teamsApp@odata.bind": "https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/" + id}
}

// TestInstallForUser: the install of an app in the signed-in user's personal
// scope as Graph answers it: 403 Forbidden ("Missing scope permissions…")
// without an install permission, 404 for a catalog id it does not know, 403
// for another app under a Self permission, 201 then 409 Conflict for the
// second install, 403 for another user; Teams' install events follow the
// 201 only.
func TestInstallForUser(t *testing.T) {
	g, idp := setup(t)
	adele, megan := demo.Users()[0], demo.Users()[1]
	g.AddCatalogApp(CatalogApp{ID: demo.TeamsCatalogAppID, ExternalID: demo.ClientID, DisplayName: "FlowDeck", ClientID: demo.ClientID})
	g.AddCatalogApp(CatalogApp{ID: "11111111-2222-4333-8444-555555555555", ExternalID: otherClientID, DisplayName: "Other", ClientID: otherClientID})
	var events []string
	g.OnInstall(func(_ context.Context, u demo.User, a CatalogApp) error {
		events = append(events, u.Name+"/"+a.DisplayName)
		return nil
	})
	mint := func(scopes ...string) string {
		tok, err := idp.MintAccessToken(demo.TenantID, adele.ID, demo.ClientID, entra.GraphResource, scopes...)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	without, with := mint("User.Read", "User.ReadBasic.All"), mint("User.Read", "TeamsAppInstallation.ReadWriteSelfForUser")
	path := "/v1.0/users/" + adele.ID + "/teamwork/installedApps"

	code, body := call(t, g, "POST", path, without, bindOf(g, demo.TeamsCatalogAppID))
	msg, _ := body["error"].(map[string]any)["message"].(string)
	if code != 403 || errCode(body) != "Forbidden" || !strings.Contains(msg, "TeamsAppInstallation.ReadWriteSelfForUser") || !strings.Contains(msg, "User.ReadBasic.All") {
		t.Errorf("without the permission: %d %v", code, body)
	}
	if code, body := call(t, g, "POST", path, with, bindOf(g, "99999999-9999-4999-8999-999999999999")); code != 404 || errCode(body) != "NotFound" {
		t.Errorf("unknown catalog id: %d %v", code, body)
	}
	if code, body := call(t, g, "POST", path, with, bindOf(g, "11111111-2222-4333-8444-555555555555")); code != 403 || errCode(body) != "Forbidden" {
		t.Errorf("another app under a Self permission: %d %v", code, body)
	}
	if code, body := call(t, g, "POST", path, with, map[string]any{"teamsApp": demo.TeamsCatalogAppID}); code != 400 || errCode(body) != "BadRequest" {
		t.Errorf("no odata.bind: %d %v", code, body)
	}
	if code, body := call(t, g, "POST", "/v1.0/users/"+megan.ID+"/teamwork/installedApps", with, bindOf(g, demo.TeamsCatalogAppID)); code != 403 {
		t.Errorf("for another user: %d %v", code, body)
	}
	if g.Installed(adele.ID, demo.TeamsCatalogAppID) || len(events) != 0 {
		t.Fatalf("installed after refusals only (events %v)", events)
	}
	if code, body := call(t, g, "POST", path, with, bindOf(g, demo.TeamsCatalogAppID)); code != 201 {
		t.Fatalf("install: %d %v", code, body)
	}
	if !g.Installed(adele.ID, demo.TeamsCatalogAppID) || len(events) != 1 || events[0] != adele.Name+"/FlowDeck" {
		t.Fatalf("after the install: installed %v, events %v", g.Installed(adele.ID, demo.TeamsCatalogAppID), events)
	}
	if code, body := call(t, g, "POST", "/v1.0/me/teamwork/installedApps", with, bindOf(g, demo.TeamsCatalogAppID)); code != 409 || errCode(body) != "Conflict" {
		t.Errorf("second install: %d %v", code, body)
	}
	if len(events) != 1 {
		t.Errorf("install events after a conflict: %v", events)
	}
	if n := g.Installs(); n != 7 {
		t.Errorf("Installs() = %d, want 7", n)
	}
}
