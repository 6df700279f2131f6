package connector_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/identity"
)

type manualClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type world struct {
	ca    *fakeca.CA
	entra *entra.Server
	bf    *connector.Server
	clock *manualClock
	token string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ca, err := fakeca.New()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(t.Output(), nil))
	e, err := entra.New(entra.Options{Demo: true, CA: ca, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	clk := &manualClock{now: time.Now()}
	bf, err := connector.New(connector.Options{CA: ca, Keyfunc: e.Keyfunc, Now: clk.Now, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bf.Close() })
	w := &world{ca: ca, entra: e, bf: bf, clock: clk}
	w.token, err = w.tokenSource(t).Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) tokenSource(t *testing.T) *identity.AppTokenSource {
	cred, err := identity.NewSecretCredential(demo.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := identity.NewAppTokenSource(identity.AppTokenOptions{Authority: w.entra.URL(), TenantID: demo.TenantID,
		ClientID: demo.ClientID, Credential: cred, HTTPClient: w.entra.Client(), Scope: identity.BotFrameworkScope,
		DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// do sends one raw connector request with the bot's token.
func (w *world) do(t *testing.T, method, path, body string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, w.bf.URL()+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.ca.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func TestIssuerMetadataAndKeys(t *testing.T) {
	w := newWorld(t)
	get := func(url string, v any) {
		resp, err := w.ca.Client().Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	var meta map[string]any
	get(w.bf.MetadataURL(), &meta)
	if meta["issuer"] != connector.ChannelIssuer || meta["jwks_uri"] != w.bf.JWKSURL() {
		t.Fatalf("metadata = %v", meta)
	}
	if err := w.bf.RotateKeys(); err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []struct {
			Kty, Kid, N, E string
			Endorsements   *[]string
		}
	}
	get(w.bf.JWKSURL(), &set)
	endorsed, unendorsed := 0, 0
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Kid == "" || k.N == "" || k.E == "" {
			t.Errorf("key %+v", k)
		}
		switch {
		case k.Endorsements == nil:
			unendorsed++
		case slices.Contains(*k.Endorsements, "msteams"):
			endorsed++
		}
	}
	if endorsed != 2 || unendorsed != 1 || len(set.Keys) != 4 {
		t.Fatalf("keys: %d endorsed for msteams, %d without endorsements, %d in all", endorsed, unendorsed, len(set.Keys))
	}
	w.bf.RetireOldKeys()
	if ids := w.bf.KeyIDs(); len(ids) != 1 {
		t.Fatalf("after retiring: %v", ids)
	}
	if m, k := w.bf.Fetches(); m != 1 || k != 1 {
		t.Fatalf("fetches = %d, %d", m, k)
	}
}

func TestConnectorRecordsAndWaitFor(t *testing.T) {
	w := newWorld(t)
	cid := "a:1conv;x"
	path := "/teams/v3/conversations/a%3A1conv%3Bx/activities"
	waited := make(chan []connector.Record, 1)
	go func() {
		recs, err := w.bf.WaitFor(t.Context(), cid, 3)
		if err != nil {
			t.Error(err)
		}
		waited <- recs
	}()
	status, _, body := w.do(t, http.MethodPost, path, `{"type":"message","text":"card"}`)
	var id struct{ ID string }
	if status != http.StatusCreated || json.Unmarshal(body, &id) != nil || id.ID == "" {
		t.Fatalf("send = %d %s", status, body)
	}
	if status, _, _ := w.do(t, http.MethodPost, path, `{"type":"typing"}`); status != http.StatusOK {
		t.Fatalf("typing = %d", status)
	}
	if status, _, _ := w.do(t, http.MethodPut, path+"/"+id.ID, `{"type":"message","text":"updated"}`); status != http.StatusOK {
		t.Fatalf("update = %d", status)
	}
	recs := <-waited
	if len(recs) != 3 || recs[0].Op != connector.OpSend || recs[1].Op != connector.OpTyping || recs[2].Op != connector.OpUpdate || recs[2].Activity().Text != "updated" {
		t.Fatalf("records = %+v", recs)
	}
	// Not an activity: 400 BadArgument, and nothing recorded. The body is
	// kept as sent, so malformed JSON must be caught before it is kept.
	for _, bad := range []string{`{"text":"no type"}`, `{"type":"message","text":"cut`, `{"type":"message"} trailing`,
		`["type","message"]`, `"message"`, `null`, `{"type":"message","attachments":[{]}`} {
		if status, _, body := w.do(t, http.MethodPost, path, bad); status != http.StatusBadRequest || !bytes.Contains(body, []byte("BadArgument")) {
			t.Fatalf("%s = %d %s", bad, status, body)
		}
	}
	if n := len(w.bf.Records(cid)); n != 3 {
		t.Fatalf("%d records after the bad bodies, want 3", n)
	}
	if a := recs[0].Activity(); a.Type != "message" || a.Text != "card" || string(recs[0].Raw) != `{"type":"message","text":"card"}` {
		t.Fatalf("first record = %+v, raw %s", a, recs[0].Raw)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := w.bf.WaitFor(ctx, cid, 10); err == nil {
		t.Fatal("WaitFor ignored its context")
	}
	// Auth: no token, and a token for another resource.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, w.bf.URL()+path, strings.NewReader(`{"type":"message"}`))
	resp, err := w.ca.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no token = %d", resp.StatusCode)
	}
	now := time.Now()
	other, err := w.entra.Sign(map[string]any{"aud": "https://graph.microsoft.com", "appid": demo.ClientID, "exp": now.Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	w.token = other
	if status, _, _ := w.do(t, http.MethodPost, path, `{"type":"message"}`); status != http.StatusUnauthorized {
		t.Fatalf("Graph token = %d", status)
	}
}

func TestConnectorFaultsAndLimits(t *testing.T) {
	w := newWorld(t)
	path := "/teams/v3/conversations/a%3A1limits/activities"
	w.bf.FailNext(2, http.StatusTooManyRequests, 2*time.Second)
	for range 2 {
		status, h, _ := w.do(t, http.MethodPost, path, `{"type":"message"}`)
		if status != http.StatusTooManyRequests || h.Get("Retry-After") != "2" {
			t.Fatalf("injected 429 = %d, Retry-After %q", status, h.Get("Retry-After"))
		}
	}
	w.bf.FailNext(1, http.StatusBadGateway, 0)
	if status, _, _ := w.do(t, http.MethodPost, path, `{"type":"message"}`); status != http.StatusBadGateway {
		t.Fatalf("injected 502 = %d", status)
	}
	// Teams' limit: 7 per second per conversation; the 8th is throttled.
	// Refused requests count too, so first let the faults' second pass.
	w.clock.Advance(3 * time.Second)
	for i := range 7 {
		if status, _, _ := w.do(t, http.MethodPost, path, `{"type":"message"}`); status != http.StatusCreated {
			t.Fatalf("send %d = %d", i, status)
		}
	}
	status, h, body := w.do(t, http.MethodPost, path, `{"type":"message"}`)
	// The 8th fills 8 per 2 s as well: room again after 2 s, past the edge.
	if status != http.StatusTooManyRequests || h.Get("Retry-After") != "3" ||
		!bytes.Contains(body, []byte(`"code":"Throttled"`)) || !bytes.Contains(body, []byte("Too many requests.")) {
		t.Fatalf("8th send in 1 s = %d, Retry-After %q, %s", status, h.Get("Retry-After"), body)
	}
	if v := w.bf.Violations(); len(v) != 1 || v[0].Limit.N != 7 || v[0].Limit.Per != time.Second || v[0].ConversationID != "a:1limits" {
		t.Fatalf("violations = %+v", v)
	}
	if status, _, _ := w.do(t, http.MethodPost, "/teams/v3/conversations/a%3A1else/activities", `{"type":"message"}`); status != http.StatusCreated {
		t.Fatalf("another conversation = %d", status)
	}
	w.clock.Advance(3 * time.Second)
	if status, _, _ := w.do(t, http.MethodPost, path, `{"type":"message"}`); status != http.StatusCreated {
		t.Fatalf("after Retry-After = %d", status)
	}
	// Size: over 100 KiB UTF-16 is 413 MessageSizeTooBig.
	status, _, body = w.do(t, "POST", "/teams/v3/conversations/a%3A1size/activities", `{"type":"message","text":"`+strings.Repeat("x", 52*1024)+`"}`)
	if status != http.StatusRequestEntityTooLarge || !bytes.Contains(body, []byte("MessageSizeTooBig")) {
		t.Fatalf("oversize = %d %s", status, body)
	}
	w.bf.FailEvery(2, http.StatusPreconditionFailed)
	got := []int{}
	for range 4 {
		s, _, _ := w.do(t, http.MethodPost, "/teams/v3/conversations/a%3A1every/activities", `{"type":"message"}`)
		got = append(got, s)
	}
	if n := slices.Index(got, http.StatusPreconditionFailed); n < 0 || slices.Index(got[n+1:], http.StatusCreated) != 0 {
		t.Fatalf("FailEvery(2): %v", got)
	}
}

func TestDriverEndToEnd(t *testing.T) {
	w := newWorld(t)
	cv, err := botframework.NewChannelVerifier(botframework.VerifierOptions{AppID: demo.ClientID,
		OpenIDMetadataURL: w.bf.MetadataURL(), HTTPClient: w.ca.Client(), Now: w.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	client, err := botframework.NewClient(botframework.ClientOptions{TokenSource: w.tokenSource(t), HTTPClient: w.ca.Client()})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []string
	h := botframework.HandlerFunc(func(ctx context.Context, a *schema.Activity) (*botframework.InvokeResponse, error) {
		c, _ := botframework.CallerFrom(ctx)
		mu.Lock()
		seen = append(seen, string(a.Type)+"/"+a.Name)
		mu.Unlock()
		switch {
		case a.Type == schema.Message:
			_, err := client.ReplyToActivity(ctx, a.ServiceURL, a.Conversation.ID, a.ID,
				&schema.Activity{Text: "you said " + a.Text + " as " + c.UserID})
			return nil, err
		case a.Name == botframework.InvokeAdaptiveCardAction:
			return botframework.MessageResponse("done"), nil
		}
		return nil, nil
	})
	ep, err := botframework.NewEndpoint(botframework.EndpointOptions{Verifier: cv, Handler: h})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(ep)
	defer srv.Close()
	d, err := connector.NewDriver(connector.DriverOptions{Server: w.bf, BotURL: srv.URL + "/api/messages"})
	if err != nil {
		t.Fatal(err)
	}
	u := demo.Users()[2]
	if res, err := d.Install(t.Context(), u); err != nil || res.Status != http.StatusOK {
		t.Fatalf("install = %+v, %v", res, err)
	}
	if res, err := d.Say(t.Context(), u, "pending"); err != nil || res.Status != http.StatusOK {
		t.Fatalf("say = %+v, %v", res, err)
	}
	recs, err := w.bf.WaitFor(t.Context(), d.ConversationID(u), 1)
	if err != nil {
		t.Fatal(err)
	}
	if recs[0].Op != connector.OpReply || recs[0].Activity().Text != "you said pending as "+u.ID {
		t.Fatalf("reply = %+v", recs[0])
	}
	res, err := d.CardAction(t.Context(), u, recs[0].ActivityID, "approve", map[string]any{"requestId": "REQ-42"}, false)
	if err != nil || res.Status != http.StatusOK || !bytes.Contains(res.Body, []byte(`"done"`)) {
		t.Fatalf("card action = %d %s, %v", res.Status, res.Body, err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"installationUpdate/", "conversationUpdate/", "message/", "invoke/adaptiveCard/action"}
	if !slices.Equal(seen, want) {
		t.Fatalf("bot saw %v, want %v", seen, want)
	}
	// An unauthenticated driver is turned away by the verifying endpoint.
	anon, err := connector.NewDriver(connector.DriverOptions{Server: w.bf, BotURL: srv.URL + "/api/messages", Unauthenticated: true})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := anon.Say(t.Context(), u, "hi"); err != nil || res.Status != http.StatusUnauthorized {
		t.Fatalf("unauthenticated = %d, %v", res.Status, err)
	}
}
