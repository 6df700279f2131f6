package graph

import (
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
	if code, b := call(t, g, "POST", path, with, ok); code != 204 {
		t.Fatalf("a good notification: %d %v", code, b)
	}
	got := g.Feed(megan.ID)
	if len(got) != 1 || got[0].SenderID != adele.ID || got[0].ActivityType != "flowFailed" || got[0].Parameters["flowName"] != "Invoice sync" ||
		got[0].WebURL != link || got[0].Preview != "Failed at Post_to_ledger" {
		t.Errorf("recorded %+v", got)
	}
}
