package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"
	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// surfaces is one FlowDeck with the tab API and the real Bot Framework
// endpoint, both answering err, and a Teams client (the fake connector's
// driver) that sends signed activities to the endpoint.
type surfaces struct {
	url    string
	driver *connector.Driver
}

func newSurfaces(t *testing.T, err error) *surfaces {
	t.Helper()
	ca, cerr := fakeca.New()
	if cerr != nil {
		t.Fatal(cerr)
	}
	bf, cerr := connector.New(connector.Options{CA: ca})
	if cerr != nil {
		t.Fatal(cerr)
	}
	t.Cleanup(func() { _ = bf.Close() })
	v, cerr := botframework.NewChannelVerifier(botframework.VerifierOptions{
		AppID: demo.ClientID, OpenIDMetadataURL: bf.MetadataURL(), HTTPClient: ca.Client(),
	})
	if cerr != nil {
		t.Fatal(cerr)
	}
	ep, cerr := botframework.NewEndpoint(botframework.EndpointOptions{Verifier: v,
		Handler: botframework.HandlerFunc(func(context.Context, *schema.Activity) (*botframework.InvokeResponse, error) {
			return nil, err
		})})
	if cerr != nil {
		t.Fatal(cerr)
	}
	ts := newTestServer(t, Options{Bot: ep}, func(e *echo.Echo) {
		e.GET("/test/err", func(echo.Context) error { return err })
	})
	d, cerr := connector.NewDriver(connector.DriverOptions{Server: bf, BotURL: ts.URL + "/api/messages", ConnectionName: "sso"})
	if cerr != nil {
		t.Fatal(cerr)
	}
	return &surfaces{url: ts.URL, driver: d}
}

// answer is what one surface said: the HTTP status, and the status and code
// the client acts on (for adaptiveCard/action they travel in the body).
type answer struct {
	http, status int
	code, msg    string
	body         []byte
}

// ask sends the same error through every surface a user meets it on.
func (s *surfaces) ask(t *testing.T) map[string]answer {
	t.Helper()
	ctx := t.Context()
	u := demo.Users()[0]
	out := map[string]answer{}

	resp, body := get(t, s.url+"/test/err", nil)
	e := decodeError(t, resp, body)
	out["tab API"] = answer{http: resp.StatusCode, status: resp.StatusCode, code: e.Code, msg: e.Message, body: body}

	bot := func(name string, res connector.Result, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var b struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := res.JSON(&b); err != nil {
			t.Fatalf("%s: %d %s: %v", name, res.Status, res.Body, err)
		}
		out[name] = answer{http: res.Status, status: res.Status, code: b.Error.Code, msg: b.Error.Message, body: res.Body}
	}
	res, err := s.driver.Say(ctx, u, "flows")
	bot("bot message", res, err)
	res, err = s.driver.VerifyState(ctx, u, "123456")
	bot("bot signin/verifyState", res, err)
	res, err = s.driver.Send(ctx, s.driver.Activity(u, "invoke"))
	bot("bot invoke without a name", res, err)

	res, err = s.driver.CardAction(ctx, u, "", "turnOff", map[string]any{"flowId": "f1"}, true)
	if err != nil {
		t.Fatal(err)
	}
	var card struct {
		StatusCode int    `json:"statusCode"`
		Type       string `json:"type"`
		Value      struct{ Code, Message string }
	}
	if err := res.JSON(&card); err != nil || card.Type != botframework.ContentTypeError {
		t.Fatalf("card action: %d %s (%v), want an error body", res.Status, res.Body, err)
	}
	out["bot adaptiveCard/action"] = answer{http: res.Status, status: card.StatusCode, code: card.Value.Code, msg: card.Value.Message, body: res.Body}

	res, err = s.driver.TokenExchange(ctx, u, "sso-token")
	if err != nil {
		t.Fatal(err)
	}
	out["bot signin/tokenExchange"] = answer{http: res.Status, status: res.Status, body: res.Body}
	return out
}

// TestConsentRequiredOneStatusEverywhere: consent required is the table's
// 403 and code consent_required on the tab API, a bot message and every
// invoke (adaptiveCard/action carries it in its HTTP 200 error body), with
// the error's own sentence. The one exception is signin/tokenExchange, where
// Teams needs 412 with the TokenExchangeInvokeResponse to fall back to the
// OAuth card's sign-in button (botframework.TokenExchangeFailed). The
// internal cause reaches no body.
func TestConsentRequiredOneStatusEverywhere(t *testing.T) {
	const sentence = "FlowDeck needs your consent to read your flows."
	err := flowdeck.Wrap(flowdeck.ErrConsentRequired, errorString("AADSTS65001 SECRET-CAUSE"), sentence)
	got := newSurfaces(t, err).ask(t)

	for name, a := range got {
		if strings.Contains(string(a.body), "SECRET-CAUSE") || strings.Contains(string(a.body), "AADSTS") {
			t.Errorf("%s: body %s leaks the cause", name, a.body)
		}
		if name == "bot signin/tokenExchange" {
			continue
		}
		if a.status != http.StatusForbidden || a.code != "consent_required" || a.msg != sentence {
			t.Errorf("%s: status %d, code %q, message %q; want 403 consent_required %q", name, a.status, a.code, a.msg, sentence)
		}
		wantHTTP := http.StatusForbidden
		if name == "bot adaptiveCard/action" {
			wantHTTP = http.StatusOK // Universal Actions: the status travels in the body
		}
		if a.http != wantHTTP {
			t.Errorf("%s: HTTP %d, want %d", name, a.http, wantHTTP)
		}
	}
	if a := got["tab API"]; a.status != flowdeck.HTTPStatus(flowdeck.ErrConsentRequired) {
		t.Errorf("tab API: %d, want the table's %d", a.status, flowdeck.HTTPStatus(flowdeck.ErrConsentRequired))
	}

	x := got["bot signin/tokenExchange"]
	var b botframework.TokenExchangeBody
	if jerr := json.Unmarshal(x.body, &b); jerr != nil || x.http != http.StatusPreconditionFailed ||
		b.ID == "" || b.ConnectionName != "sso" || b.FailureDetail != botframework.TokenExchangeFailureDetail {
		t.Errorf("signin/tokenExchange: %d %s (%v); want 412 with the id, connectionName and failureDetail", x.http, x.body, jerr)
	}
}

// TestTokenExchangeOverrideIsOnlyForTheExchange: every failed exchange is a
// 412 whatever its kind (botbuilder answers any failure so); the same errors
// elsewhere keep the table's status.
func TestTokenExchangeOverrideIsOnlyForTheExchange(t *testing.T) {
	for _, kind := range []error{flowdeck.ErrInteractionRequired, flowdeck.ErrUnavailable, flowdeck.ErrInternal} {
		t.Run(flowdeck.Code(kind), func(t *testing.T) {
			got := newSurfaces(t, flowdeck.Wrap(kind, errorString("SECRET-CAUSE"), "")).ask(t)
			if x := got["bot signin/tokenExchange"]; x.http != http.StatusPreconditionFailed {
				t.Errorf("signin/tokenExchange: %d %s, want 412", x.http, x.body)
			}
			for _, name := range []string{"tab API", "bot message", "bot signin/verifyState", "bot adaptiveCard/action"} {
				if a := got[name]; a.status != flowdeck.HTTPStatus(kind) || a.code != flowdeck.Code(kind) {
					t.Errorf("%s: %d %q, want the table's %d %q", name, a.status, a.code, flowdeck.HTTPStatus(kind), flowdeck.Code(kind))
				}
			}
		})
	}
}

// errorString is a cause whose text must stay in the logs.
type errorString string

func (e errorString) Error() string { return string(e) }
