package botframework_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
)

// BenchmarkVerifyDispatch measures one message activity through the
// endpoint: body limit, decode, channel-token verification (cached keys,
// serviceUrl host), dispatch to a no-op handler.
func BenchmarkVerifyDispatch(b *testing.B) {
	ca, err := fakeca.New()
	if err != nil {
		b.Fatal(err)
	}
	bf, err := connector.New(connector.Options{CA: ca})
	if err != nil {
		b.Fatal(err)
	}
	defer bf.Close()
	// As FlowDeck wires it: the bot's tenant known, the serviceUrl host checked.
	cv, err := botframework.NewChannelVerifier(botframework.VerifierOptions{AppID: demo.ClientID,
		OpenIDMetadataURL: bf.MetadataURL(), HTTPClient: ca.Client(), TenantID: demo.TenantID,
		ServiceURLHosts: []string{"127.0.0.1"}})
	if err != nil {
		b.Fatal(err)
	}
	noop := botframework.HandlerFunc(func(context.Context, *schema.Activity) (*botframework.InvokeResponse, error) { return nil, nil })
	ep, err := botframework.NewEndpoint(botframework.EndpointOptions{Verifier: cv, Handler: noop,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	tok, err := bf.ChannelToken(demo.ClientID, bf.ServiceURL())
	if err != nil {
		b.Fatal(err)
	}
	body := `{"type":"message","id":"1732553375000","timestamp":"2026-11-25T16:49:35.4Z","serviceUrl":"` + bf.ServiceURL() + `",
"channelId":"msteams","from":{"id":"29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85g","name":"Alex Wilber","aadObjectId":"6467882c-fdfd-4354-a1ed-4e13f064be25"},
"conversation":{"conversationType":"personal","tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47","id":"a:1Kx0kl8EkpE1O9PH5TWrzrLNwnWWcfrU7QZjKR0WSfOpzbfcAg2IaydGElSo"},
"recipient":{"id":"28:5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b","name":"FlowDeck"},"textFormat":"plain","text":"pending","locale":"en-US",
"entities":[{"type":"clientInfo","locale":"en-US","country":"US","platform":"Windows","timezone":"Europe/Berlin"}],
"channelData":{"tenant":{"id":"72f988bf-86f1-41af-91ab-2d7cd011db47"}}}`
	run := func() int {
		req := httptest.NewRequest(http.MethodPost, "/api/messages", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		ep.ServeHTTP(w, req)
		return w.Code
	}
	if code := run(); code != http.StatusOK {
		b.Fatalf("status %d", code)
	}
	b.ReportAllocs()
	for b.Loop() {
		if run() != http.StatusOK {
			b.Fatal("not 200")
		}
	}
}
