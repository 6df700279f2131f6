package localcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
)

// newDevForTest runs FlowDeck as `flowdeck dev` composes it (NewDev) on
// 127.0.0.1:0 with a fresh store, configured as `flowdeck dev` configures
// it: the demo tenant and app.
func newDevForTest(t *testing.T) *Dev {
	t.Helper()
	c := localtest.Config(t)
	c.Listen = "127.0.0.1:0"
	c.PublicURL = &url.URL{Scheme: "http", Host: c.Listen}
	c.TenantID, c.AllowedTenants = demo.TenantID, []string{demo.TenantID}
	c.ClientID, c.ClientSecret = demo.ClientID, demo.ClientSecret
	c.AppIDURI = "api://" + c.PublicURL.Host + "/botid-" + c.ClientID
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	d, err := NewDev(c, logger, "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Cloud.Close() })
	if err := d.Main.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Main.Close() })
	return d
}

// TestDevPlaygroundSignsInThroughTheOrdinaryPath sends Agents Playground
// activities (no token, bare ids, a serviceUrl without a trailing slash, an
// invalid tenant GUID of its own) to the real endpoint of FlowDeck as
// `flowdeck dev` composes it. The playground authenticator signs the
// Playground's user in as the demo user through the SSO verifier and the
// broker's OBO exchange, so the bot answers commands that need tokens; after
// signout, the next command signs them in again.
func TestDevPlaygroundSignsInThroughTheOrdinaryPath(t *testing.T) {
	d := newDevForTest(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	adele := d.User
	p := flowdeck.Principal{TenantID: adele.TenantID, UserID: adele.ID}
	if allGranted(d.Main.Parts().Broker.Access(ctx, p)) {
		t.Fatal("the demo user holds tokens before the Playground said anything")
	}
	const conv = "499ec568-0030-4920-b950-2e9db75ede46"
	const tenant = "00000000-0000-0000-0000-0000000000001"
	n := 0
	say := func(typ, text string, extra map[string]any) {
		t.Helper()
		a := map[string]any{
			"type": typ, "id": "8f5558a6-5535-451b-940a-0aab4beade02", "channelId": "msteams", "text": text,
			"from":         map[string]any{"id": "user-id-0", "name": "Alex Wilber", "aadObjectId": "00000000-0000-0000-0000-0000000000020"},
			"serviceUrl":   strings.TrimSuffix(d.Cloud.Connector.ServiceURL(), "/"),
			"conversation": map[string]any{"conversationType": "personal", "tenantId": tenant, "id": conv},
			"recipient":    map[string]any{"id": "00000000-0000-0000-0000-00000000000011", "name": "Test Bot"},
			"locale":       "en-US", "textFormat": "plain",
			"channelData": map[string]any{"tenant": map[string]any{"id": tenant}},
		}
		for k, v := range extra {
			a[k] = v
		}
		b, _ := json.Marshal(a)
		resp, err := http.Post(d.Main.URL()+"/api/messages", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %q: status %d", typ, text, resp.StatusCode)
		}
	}
	// next waits for the bot's next answer (typing indicators skipped).
	next := func(what string) string {
		t.Helper()
		for {
			n++
			recs, err := d.Cloud.Connector.WaitFor(ctx, conv, n)
			if err != nil {
				t.Fatalf("%s: no answer: %v", what, err)
			}
			if r := recs[n-1]; r.Op != connector.OpTyping {
				return recordText(r)
			}
		}
	}
	say("installationUpdate", "", map[string]any{"action": "add"})
	if got := next("install"); !strings.Contains(got, "Welcome to FlowDeck") {
		t.Fatalf("welcome: %s", got)
	}
	// The same activity id again: the Playground reuses ids, and without a
	// token there is nothing to replay, so it is answered again.
	say("message", "approvals", nil)
	if got := next("approvals"); !strings.Contains(got, "Open in Power Automate") {
		t.Fatalf("approvals in the Playground: %s", got)
	}
	if !allGranted(d.Main.Parts().Broker.Access(ctx, p)) {
		t.Fatal("the demo user has no usable tokens after the Playground's command")
	}
	say("message", "signout", nil)
	if got := next("signout"); !strings.Contains(got, "signed out") {
		t.Fatalf("signout: %s", got)
	}
	say("message", "envs", nil)
	got := next("envs after signout")
	if !strings.Contains(got, "Your environments") || !strings.Contains(got, "Contoso (default)") {
		t.Fatalf("envs after signout: %s", got)
	}
}

// TestDevPlaygroundLoopbackOnly: the playground, which admits activities
// without a token, refuses any listen address that is not loopback.
func TestDevPlaygroundLoopbackOnly(t *testing.T) {
	d := newDevForTest(t)
	parts := d.Main.Parts()
	o := PlaygroundOptions{Channel: parts.Channel, User: d.User, Mint: func() (string, error) { return "", nil },
		SSO: parts.Verifier, Tokens: parts.Broker}
	for _, addr := range []string{"0.0.0.0:3978", ":3978", "10.1.2.3:3978", "[::]:3978", "example.com:3978", ""} {
		o.Listen = addr
		if _, err := NewPlayground(o); err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("playground on %q: err = %v, want a refusal", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:3978", "localhost:3978", "[::1]:3978"} {
		o.Listen = addr
		if _, err := NewPlayground(o); err != nil {
			t.Errorf("playground on %q: %v", addr, err)
		}
	}
}

// recordText is a connector record's text, or its first attachment as JSON.
func recordText(r connector.Record) string {
	a := r.Activity()
	if len(a.Attachments) == 0 {
		return a.Text
	}
	b, _ := json.Marshal(a.Attachments[0].Content)
	return string(b)
}
