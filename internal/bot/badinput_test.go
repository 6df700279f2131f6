package bot

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/botframework"
)

// TestBadInput: unknown activity types are acknowledged and ignored; huge,
// HTML and mention-laden text is parsed safely and answered once.
func TestBadInput(t *testing.T) {
	b := newStubBot(t)
	conn := b.o.Connector.(*stubConnector)
	ep, err := botframework.NewEndpoint(botframework.EndpointOptions{Handler: b, Verifier: tokenless{}})
	if err != nil {
		t.Fatal(err)
	}
	post := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/messages", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		ep.ServeHTTP(rec, req)
		return rec
	}
	env := `"channelId":"msteams","serviceUrl":"https://x.test/","from":{"id":"29:1","aadObjectId":"u"},"recipient":{"id":"28:1"},"conversation":{"id":"a:1","tenantId":"t","conversationType":"personal"}`
	for _, typ := range []string{"messageReaction", "event", "endOfConversation", "typing", "deleteUserData", "handoff", "x-unknown"} {
		if rec := post(`{"type":"` + typ + `",` + env + `}`); rec.Code != http.StatusOK {
			t.Errorf("%s: %d", typ, rec.Code)
		}
	}
	if rec := post(`{"type":"invoke","name":"composeExtension/fetchTask",` + env + `}`); rec.Code != http.StatusNotImplemented {
		t.Errorf("unknown invoke: %d", rec.Code)
	}
	// A message-extension query without a value is answered, with a message.
	if rec := post(`{"type":"invoke","name":"composeExtension/query",` + env + `}`); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"composeExtension"`) {
		t.Errorf("query without a value: %d %s", rec.Code, rec.Body)
	}
	b.Wait()
	if n := conn.sent.Load(); n != 0 {
		t.Fatalf("the bot answered %d ignored activities", n)
	}
	for _, text := range []string{
		strings.Repeat("A", 300000),
		"<script>alert(1)</script><img src=x onerror=alert(1)>",
		strings.Repeat("<at>FlowDeck</at>", 5000),
		`<p>&lt;at&gt;x&lt;/at&gt; &#0; &#x1F600; &bogus; \u0000</p>`,
		strings.Repeat("“", 10000),
	} {
		before := conn.sent.Load()
		body := `{"type":"message","text":` + jsonString(text) + `,` + env + `}`
		if rec := post(body); rec.Code != http.StatusOK {
			t.Fatalf("text of %d bytes: %d %s", len(text), rec.Code, rec.Body)
		}
		b.Wait()
		if n := conn.sent.Load() - before; n != 1 {
			t.Errorf("text of %d bytes got %d answers", len(text), n)
		}
	}
	// Action.Submit messages (value, no text) are ignored.
	if rec := post(`{"type":"message","value":{"a":1},` + env + `}`); rec.Code != http.StatusOK {
		t.Fatal(rec.Code)
	}
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&15])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
