package connector_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// TestHandleOAuthCardAsTeams: the fake Teams client exchanges only a card
// sent in the personal chat with a tokenExchangeResource id, refuses a uri
// other than webApplicationInfo.resource, echoes the card's id and
// connectionName, and shows the card on any answer but 200.
func TestHandleOAuthCardAsTeams(t *testing.T) {
	w := newWorld(t)
	adele := demo.Users()[0]
	const resource = "api://flowdeck.contoso.com/botid-" + demo.ClientID
	app := connector.WebApplicationInfo{ID: demo.ClientID, Resource: resource}

	var mu sync.Mutex
	var invokes []map[string]any
	status := http.StatusOK
	bot := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var a map[string]any
		_ = json.Unmarshal(b, &a)
		mu.Lock()
		invokes = append(invokes, a)
		st := status
		mu.Unlock()
		rw.WriteHeader(st)
	}))
	t.Cleanup(bot.Close)
	seen := func() []map[string]any {
		mu.Lock()
		defer mu.Unlock()
		return append([]map[string]any(nil), invokes...)
	}
	d, err := connector.NewDriver(connector.DriverOptions{Server: w.bf, BotURL: bot.URL})
	if err != nil {
		t.Fatal(err)
	}
	var minted []string
	mint := func(_ context.Context, u demo.User, aud string) (string, error) {
		minted = append(minted, aud)
		return "sso-token-for-" + u.ID, nil
	}
	card := func(conv string, ter map[string]any) connector.Record {
		content := map[string]any{"text": "Sign in", "connectionName": "sso-conn",
			"buttons": []any{map[string]any{"type": "signin", "title": "Sign in", "value": "https://flowdeck.contoso.com/auth/start?s=x"}}}
		if ter != nil {
			content["tokenExchangeResource"] = ter
		}
		raw, _ := json.Marshal(map[string]any{"type": "message", "attachments": []any{map[string]any{"contentType": connector.OAuthCardContentType, "content": content}}})
		return connector.Record{Op: connector.OpSend, ConversationID: conv, Raw: raw}
	}
	personal := d.ConversationID(adele)

	out, err := d.HandleOAuthCard(t.Context(), adele, card(personal, map[string]any{"id": "x-1", "uri": resource}), app, mint)
	got := seen()
	if err != nil || !out.Exchanged || out.Shown || len(got) != 1 {
		t.Fatalf("matching card: %+v %v, %d invokes", out, err, len(got))
	}
	v, _ := got[0]["value"].(map[string]any)
	if got[0]["name"] != "signin/tokenExchange" || v["id"] != "x-1" || v["connectionName"] != "sso-conn" || v["token"] != "sso-token-for-"+adele.ID || minted[0] != resource {
		t.Errorf("tokenExchange = %v %v, minted for %v", got[0]["name"], v, minted)
	}

	for name, rec := range map[string]connector.Record{
		"no tokenExchangeResource": card(personal, nil),
		"no id":                    card(personal, map[string]any{"uri": resource}),
		"not the personal chat":    card("19:general@thread.tacv2", map[string]any{"id": "x-2", "uri": resource}),
		"another resource":         card(personal, map[string]any{"id": "x-3", "uri": "api://evil.example.com/botid-" + demo.ClientID}),
	} {
		out, err := d.HandleOAuthCard(t.Context(), adele, rec, app, mint)
		if n := len(seen()); err != nil || out.Exchanged || !out.Shown || n != 1 {
			t.Errorf("%s: %+v %v, %d invokes", name, out, err, n)
		}
		if name == "another resource" && out.Failure != "resourcematchfailed" {
			t.Errorf("another resource: failure %q", out.Failure)
		}
	}

	mu.Lock()
	status = http.StatusPreconditionFailed
	mu.Unlock()
	out, err = d.HandleOAuthCard(t.Context(), adele, card(personal, map[string]any{"id": "x-4"}), app, mint)
	if err != nil || out.Exchanged || !out.Shown || out.Exchange.Status != http.StatusPreconditionFailed || out.SignInURL == "" {
		t.Errorf("412: %+v %v", out, err)
	}
}
