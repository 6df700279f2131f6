package graph

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// TestSendActivityNotification: sendActivityNotification as Graph answers
// it: 403 Forbidden without TeamsActivity.Send, 404 for a recipient who does
// not have the app, 400 for an activity type the manifest does not declare,
// a template parameter missing, a text topic without a Teams deep link or
// one longer than 1024 characters; 204 and the notification recorded
// otherwise.
func TestSendActivityNotification(t *testing.T) {
	g, idp := setup(t)
	adele, megan := demo.Users()[0], demo.Users()[1]
	g.AddCatalogApp(CatalogApp{ID: demo.TeamsCatalogAppID, ExternalID: demo.ClientID, ClientID: demo.ClientID,
		ActivityTypes: map[string]string{"flowFailed": "{flowName} failed"}})
	mint := func(scopes ...string) string {
		tok, err := idp.MintAccessToken(demo.TenantID, adele.ID, demo.ClientID, entra.GraphResource, scopes...)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	without, with := mint("User.Read"), mint("User.Read", "TeamsActivity.Send")
	body := func(typ, link string, params ...string) map[string]any {
		var tp []map[string]string
		for _, p := range params {
			tp = append(tp, map[string]string{"name": p, "value": "Invoice sync"})
		}
		return map[string]any{"topic": map[string]string{"source": "text", "value": "Invoice sync", "webUrl": link},
			"activityType": typ, "previewText": map[string]string{"content": "Failed at Post_to_ledger"}, "templateParameters": tp}
	}
	link := "https://teams.microsoft.com/l/entity/" + demo.ClientID + "/dashboard?context=%7B%7D"
	path := "/v1.0/users/" + megan.ID + "/teamwork/sendActivityNotification"
	ok := body("flowFailed", link, "flowName")

	if code, b := call(t, g, "POST", path, without, ok); code != 403 || errCode(b) != "Forbidden" {
		t.Errorf("without TeamsActivity.Send: %d %v", code, b)
	}
	if code, b := call(t, g, "POST", path, with, ok); code != 404 {
		t.Errorf("to a user without the app: %d %v", code, b)
	}
	g.MarkInstalled(megan.ID, demo.TeamsCatalogAppID)
	for name, bad := range map[string]map[string]any{
		"undeclared activity type": body("runFailed", link, "flowName"),
		"missing parameter":        body("flowFailed", link),
		"not a Teams deep link":    body("flowFailed", "https://evil.example/l/entity/x", "flowName"),
		"webUrl over 1024":         body("flowFailed", link+strings.Repeat("a", 1024), "flowName"),
	} {
		if code, b := call(t, g, "POST", path, with, bad); code != 400 || errCode(b) != "BadRequest" {
			t.Errorf("%s: %d %v", name, code, b)
		}
	}
	if len(g.Feed(megan.ID)) != 0 {
		t.Fatal("refused notifications were recorded")
	}
	self := "/v1.0/users/" + adele.ID + "/teamwork/sendActivityNotification"
	g.MarkInstalled(adele.ID, demo.TeamsCatalogAppID)
	if code, b := call(t, g, "POST", self, with, ok); code != 403 || errCode(b) != "Forbidden" {
		t.Errorf("a delegated notification to oneself: %d %v", code, b)
	}
	if len(g.Feed(adele.ID)) != 0 {
		t.Fatal("a self-sent notification was recorded")
	}
	if code, b := call(t, g, "POST", path, with, ok); code != 204 {
		t.Fatalf("a good notification: %d %v", code, b)
	}
	got := g.Feed(megan.ID)
	if len(got) != 1 || got[0].SenderID != adele.ID || got[0].ActivityType != "flowFailed" || got[0].Parameters["flowName"] != "Invoice sync" ||
		got[0].WebURL != link || got[0].Preview != "Failed at Post_to_ledger" {
		t.Errorf("recorded %+v", got)
	}
}

// appToken gets an app-only Graph token for the demo app in tenant from the
// fake Entra's token endpoint (client credentials).
func appToken(t *testing.T, idp *entra.Server, tenant string) string {
	t.Helper()
	resp, err := idp.Client().PostForm(idp.URL()+"/"+tenant+"/oauth2/v2.0/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {demo.ClientID}, "client_secret": {demo.ClientSecret},
		"scope": {"https://graph.microsoft.com/.default"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || body.AccessToken == "" {
		t.Fatalf("client credentials: %d %v", resp.StatusCode, err)
	}
	return body.AccessToken
}

// TestSendActivityNotificationAppOnly: with an app-only token the app may
// notify any user of the token's tenant who has it installed, the recipient
// included, once an administrator granted the Application permission
// TeamsActivity.Send: 403 Forbidden without that role, 404 for a user of
// another tenant, 204 and the notification recorded (no sending user) with it.
func TestSendActivityNotificationAppOnly(t *testing.T) {
	g, idp := setup(t)
	adele := demo.Users()[0]
	g.AddCatalogApp(CatalogApp{ID: demo.TeamsCatalogAppID, ExternalID: demo.ClientID, ClientID: demo.ClientID,
		ActivityTypes: map[string]string{"flowFailed": "{flowName} failed"}})
	g.MarkInstalled(adele.ID, demo.TeamsCatalogAppID)
	link := "https://teams.microsoft.com/l/entity/" + demo.ClientID + "/dashboard?context=%7B%7D"
	ok := map[string]any{"topic": map[string]string{"source": "text", "value": "Invoice sync", "webUrl": link},
		"activityType": "flowFailed", "previewText": map[string]string{"content": "Failed"},
		"templateParameters": []map[string]string{{"name": "flowName", "value": "Invoice sync"}}}
	path := "/v1.0/users/" + adele.ID + "/teamwork/sendActivityNotification"

	if code, b := call(t, g, "POST", path, appToken(t, idp, demo.TenantID), ok); code != 403 || errCode(b) != "Forbidden" {
		t.Errorf("app-only without the role: %d %v", code, b)
	}
	idp.GrantAppRoles(demo.OtherTenantID, demo.ClientID, entra.GraphResource, "TeamsActivity.Send")
	if code, b := call(t, g, "POST", path, appToken(t, idp, demo.OtherTenantID), ok); code != 404 {
		t.Errorf("app-only token of another tenant: %d %v", code, b)
	}
	if len(g.Feed(adele.ID)) != 0 {
		t.Fatal("refused notifications were recorded")
	}
	idp.GrantAppRoles(demo.TenantID, demo.ClientID, entra.GraphResource, "TeamsActivity.Send")
	if code, b := call(t, g, "POST", path, appToken(t, idp, demo.TenantID), ok); code != 204 {
		t.Fatalf("app-only with the role: %d %v", code, b)
	}
	got := g.Feed(adele.ID)
	if len(got) != 1 || got[0].SenderID != "" || got[0].AppID != demo.ClientID || got[0].TenantID != demo.TenantID {
		t.Errorf("recorded %+v", got)
	}
}
