package devhost

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

type staticToken string

func (s staticToken) Token(context.Context) (string, error) { return string(s), nil }

// echoBot answers a message with its text and a card with a button, and a
// press of that button with a new card: enough to drive the dev host.
func echoBot(t *testing.T, conn *connector.Server) string {
	t.Helper()
	client, err := botframework.NewClient(botframework.ClientOptions{TokenSource: staticToken("t"), HTTPClient: conn.Client()})
	if err != nil {
		t.Fatal(err)
	}
	card := func(text string) map[string]any {
		return map[string]any{"type": "AdaptiveCard", "version": "1.5", "body": []any{map[string]any{"type": "TextBlock", "text": text}},
			"actions": []any{map[string]any{"type": "Action.Execute", "title": "Ping", "verb": "ping"}}}
	}
	h := botframework.HandlerFunc(func(ctx context.Context, a *schema.Activity) (*botframework.InvokeResponse, error) {
		switch a.Type {
		case "message":
			reply := &schema.Activity{Type: "message", Text: "echo: " + a.Text,
				Attachments: []schema.Attachment{{ContentType: "application/vnd.microsoft.card.adaptive", Content: card("card for " + a.Text)}}}
			_, err := client.SendToConversation(ctx, a.ServiceURL, a.Conversation.ID, reply)
			return nil, err
		case "invoke":
			return botframework.CardResponse(card("pong")), nil
		}
		return nil, nil
	})
	v, err := botframework.NewChannelVerifier(botframework.VerifierOptions{AppID: conn.BotID(), OpenIDMetadataURL: conn.MetadataURL(), HTTPClient: conn.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := botframework.NewEndpoint(botframework.EndpointOptions{Verifier: v, Handler: h})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ep)
	t.Cleanup(srv.Close)
	return srv.URL
}

func setup(t *testing.T) *httptest.Server {
	t.Helper()
	conn, err := connector.New(connector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	driver, err := connector.NewDriver(connector.DriverOptions{Server: conn, BotURL: echoBot(t, conn)})
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{Driver: driver, Connector: conn, User: demo.Users()[0], TeamsURL: "/dev/teams/"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url string, body any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestChatRoundTrip(t *testing.T) {
	srv := setup(t)
	if code, _ := post(t, srv.URL+"/chat/say", map[string]string{"text": "hello"}); code != 200 {
		t.Fatalf("say: %d", code)
	}
	resp, err := http.Get(srv.URL + "/chat/events?after=0")
	if err != nil {
		t.Fatal(err)
	}
	var ev struct {
		Events []event
		Next   int
	}
	json.NewDecoder(resp.Body).Decode(&ev)
	resp.Body.Close()
	if len(ev.Events) != 1 || ev.Events[0].Text != "echo: hello" || !strings.Contains(string(ev.Events[0].Attachments), "card for hello") || ev.Next != 1 {
		t.Fatalf("events = %+v", ev)
	}
	code, out := post(t, srv.URL+"/chat/action", map[string]any{"activityId": ev.Events[0].ActivityID, "verb": "ping", "data": map[string]any{}})
	body, _ := out["body"].(map[string]any)
	if code != 200 || out["status"] != float64(200) || body["type"] != "application/vnd.microsoft.card.adaptive" {
		t.Fatalf("action: %d %v", code, out)
	}
}

func TestBadInputAndPage(t *testing.T) {
	srv := setup(t)
	if code, _ := post(t, srv.URL+"/chat/say", map[string]string{"text": "  "}); code != 400 {
		t.Errorf("empty say: %d", code)
	}
	if code, _ := post(t, srv.URL+"/chat/action", map[string]any{"activityId": "1"}); code != 400 {
		t.Errorf("action without verb: %d", code)
	}
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `data-config="{&quot;rendererUrl&quot;`) || strings.Contains(string(page), "{{CONFIG}}") {
		t.Errorf("page config not filled in:\n%s", page)
	}
	for _, a := range []string{"/assets/dev.js", "/assets/dev.css"} {
		if r, err := http.Get(srv.URL + a); err != nil || r.StatusCode != 200 {
			t.Errorf("GET %s: %v %v", a, r.StatusCode, err)
		}
	}
}
