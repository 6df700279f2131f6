package botframework_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func post(t *testing.T, url, auth, contentType string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestEndpointRejectsBeforeParsing(t *testing.T) {
	v := newEnv(t)
	rec := &recorder{}
	srv, _ := v.botServer(t, rec)
	tok, err := v.bf.ChannelToken(demo.ClientID, v.bf.ServiceURL())
	if err != nil {
		t.Fatal(err)
	}
	big := `{"type":"message","text":"` + strings.Repeat("x", 600<<10) + `"}`
	tests := []struct {
		name   string
		auth   string
		ctype  string
		body   io.Reader
		status int
	}{
		{"oversize with Content-Length", "Bearer " + tok, "application/json", strings.NewReader(big), http.StatusRequestEntityTooLarge},
		{"oversize chunked", "Bearer " + tok, "application/json", io.MultiReader(strings.NewReader(big)), http.StatusRequestEntityTooLarge},
		{"wrong content type", "Bearer " + tok, "text/plain", strings.NewReader(`{"type":"message"}`), http.StatusUnsupportedMediaType},
		{"no token", "", "application/json", strings.NewReader(`{"type":"message"}`), http.StatusUnauthorized},
		{"garbage", "Bearer " + tok, "application/json", strings.NewReader(`<xml/>`), http.StatusBadRequest},
		{"not an object", "Bearer " + tok, "application/json", strings.NewReader(`["type"]`), http.StatusBadRequest},
		{"no type", "Bearer " + tok, "application/json", strings.NewReader(`{"text":"hi"}`), http.StatusBadRequest},
		{"wrong field type", "Bearer " + tok, "application/json", strings.NewReader(`{"type":"message","from":"x"}`), http.StatusBadRequest},
		{"trailing data", "Bearer " + tok, "application/json", strings.NewReader(`{"type":"message"}{}`), http.StatusBadRequest},
		{"forged token", "Bearer x.y.z", "application/json", strings.NewReader(`{"type":"message","channelId":"msteams"}`), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _ := post(t, srv.URL+"/api/messages", tt.auth, tt.ctype, tt.body)
			if status != tt.status {
				t.Fatalf("status = %d, want %d", status, tt.status)
			}
		})
	}
	if n := rec.count(); n != 0 {
		t.Fatalf("handler called %d times", n)
	}
}

func TestEndpointDispatch(t *testing.T) {
	v := newEnv(t)
	card := map[string]any{"type": "AdaptiveCard", "version": "1.5"}
	rec := &recorder{answer: func(a *schema.Activity) (*botframework.InvokeResponse, error) {
		switch {
		case a.Name == botframework.InvokeAdaptiveCardAction:
			if a.Value["action"].(map[string]any)["verb"] == "fail" {
				return nil, flowdeck.Errorf(flowdeck.ErrConflict, "Request REQ-42 is already closed")
			}
			return botframework.CardResponse(card), nil
		case a.Name == botframework.InvokeTokenExchange:
			return &botframework.InvokeResponse{Status: http.StatusPreconditionFailed,
				Body: map[string]string{"id": a.Value["id"].(string), "failureDetail": "consent needed"}}, nil
		case a.Type == "messageReaction2":
			return botframework.MessageResponse("ignored"), nil
		}
		return nil, nil
	}}
	_, d := v.botServer(t, rec)
	u := demo.Users()[0]
	ctx := t.Context()

	res, err := d.CardAction(ctx, u, "1732553375000", "approve", map[string]any{"requestId": "REQ-42"}, true)
	if err != nil {
		t.Fatal(err)
	}
	var body botframework.CardActionBody
	if err := res.JSON(&body); err != nil || res.Status != http.StatusOK || body.StatusCode != 200 || body.Type != botframework.ContentTypeAdaptiveCard {
		t.Fatalf("card action = %d %s (%v)", res.Status, res.Body, err)
	}

	res, err = d.CardAction(ctx, u, "", "fail", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.JSON(&body); err != nil || res.Status != http.StatusOK || body.StatusCode != http.StatusConflict || body.Type != botframework.ContentTypeError {
		t.Fatalf("failing card action = %d %s (%v)", res.Status, res.Body, err)
	}

	res, err = d.TokenExchange(ctx, u, "sso-token")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusPreconditionFailed || !bytes.Contains(res.Body, []byte("consent needed")) {
		t.Fatalf("token exchange = %d %s", res.Status, res.Body)
	}

	res, err = d.VerifyState(ctx, u, "123456")
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusNotImplemented {
		t.Fatalf("unhandled invoke = %d, want 501", res.Status)
	}

	for _, typ := range []string{"messageReaction2", "somethingNew"} {
		res, err = d.Send(ctx, d.Activity(u, typ))
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != http.StatusOK || len(res.Body) != 0 {
			t.Fatalf("%s = %d %q, want 200 and no body", typ, res.Status, res.Body)
		}
	}
	res, err = d.Install(ctx, u)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("install = %d, %v", res.Status, err)
	}
	res, err = d.SayInChannel(ctx, u, "General", "pending")
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("channel message = %d, %v", res.Status, err)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.got) != 9 {
		t.Fatalf("handler saw %d activities, want 9", len(rec.got))
	}
	for i, c := range rec.callers {
		if c.TenantID != demo.TenantID || c.UserID != u.ID || !c.Authenticated || c.UserMRI != d.UserMRI(u) {
			t.Errorf("caller %d = %+v", i, c)
		}
	}
	last := rec.got[len(rec.got)-1]
	if !strings.HasPrefix(last.Conversation.ID, "19:") || !strings.HasPrefix(last.Text, "<at>FlowDeck</at>") {
		t.Errorf("channel message = %+v", last)
	}
}

func TestEndpointCallerPrincipal(t *testing.T) {
	v := newEnv(t)
	var got flowdeck.Principal
	h := botframework.HandlerFunc(func(ctx context.Context, a *schema.Activity) (*botframework.InvokeResponse, error) {
		got, _ = flowdeck.PrincipalFrom(ctx)
		return nil, nil
	})
	_, d := v.botServer(t, h)
	u := demo.Users()[1]
	a := d.Activity(u, "message")
	delete(a["conversation"].(map[string]any), "tenantId")
	if res, err := d.Send(t.Context(), a); err != nil || res.Status != http.StatusOK {
		t.Fatalf("send = %v %v", res.Status, err)
	}
	if got.TenantID != u.TenantID || got.UserID != u.ID {
		t.Fatalf("principal = %+v (tenant from channelData)", got)
	}
}

func TestEndpointHandsCardActionsToTheRouter(t *testing.T) {
	v := newEnv(t)
	bot, router := &recorder{}, &recorder{answer: func(*schema.Activity) (*botframework.InvokeResponse, error) {
		return botframework.MessageResponse("routed"), nil
	}}
	ep, err := botframework.NewEndpoint(botframework.EndpointOptions{
		Verifier: v.verifier(t, botframework.VerifierOptions{}), Handler: bot, CardActions: router, Logger: testLogger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ep)
	t.Cleanup(srv.Close)
	d, err := connector.NewDriver(connector.DriverOptions{Server: v.bf, BotURL: srv.URL + "/api/messages", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	u := demo.Users()[0]
	res, err := d.CardAction(t.Context(), u, "1", "pick", map[string]any{"choice": "x"}, true)
	if err != nil || res.Status != http.StatusOK || !strings.Contains(string(res.Body), "routed") {
		t.Fatalf("card action: %v %d %s", err, res.Status, res.Body)
	}
	if _, err := d.Send(t.Context(), d.Activity(u, "message")); err != nil {
		t.Fatal(err)
	}
	if router.count() != 1 || bot.count() != 1 || bot.got[0].Type != schema.Message {
		t.Errorf("router got %d, bot %d activities; want the invoke to the router and the message to the bot", router.count(), bot.count())
	}
}
