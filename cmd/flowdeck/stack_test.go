package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// newStack starts a stack for one test on a fresh SQLite store (or, with
// storeURL, on that database), with FlowDeck's and the fakes' warnings in the
// test log.
func newStack(t testing.TB, o stackOptions) *stack {
	t.Helper()
	if o.Config.DatabaseURL == "" {
		o.Config = testConfig(t)
	}
	if o.Logger == nil {
		var w io.Writer = io.Discard
		if tt, ok := t.(*testing.T); ok {
			w = tt.Output()
		}
		o.Logger = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	s, err := startStack(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close the stack: %v", err)
		}
	})
	return s
}

// tabGet calls the tab API as u with a fresh SSO token.
func (s *stack) tabGet(ctx context.Context, t testing.TB, u demo.User, path string) (*http.Response, string) {
	t.Helper()
	tok, err := s.ssoToken(u)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestStackServesTheBotAndTheTab: the bot answers a signed activity through
// the fake Bot Connector, and the tab API answers an SSO token, with FlowDeck
// in serve mode.
func TestStackServesTheBotAndTheTab(t *testing.T) {
	s := newStack(t, stackOptions{})
	adele := demo.Users()[0]
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	res, err := s.driver.Say(ctx, adele, "help")
	if err != nil || res.Status/100 != 2 {
		t.Fatalf("say help: %v, status %d", err, res.Status)
	}
	recs, err := s.cloud.conn.WaitFor(ctx, s.driver.ConversationID(adele), 1)
	if err != nil {
		t.Fatalf("no reply at the connector: %v", err)
	}
	if !strings.Contains(string(recs[0].Raw), "FlowDeck") {
		t.Errorf("the reply does not look like help: %.200s", recs[0].Raw)
	}

	resp, body := s.tabGet(ctx, t, adele, "/api/me")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, adele.UPN) {
		t.Errorf("GET /api/me = %d %.300s", resp.StatusCode, body)
	}

	// Serve mode: an unsigned activity is refused even from loopback.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/api/messages", strings.NewReader(`{"type":"message","text":"help"}`))
	req.Header.Set("Content-Type", "application/json")
	resp2, err := s.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned activity: %d, want 401", resp2.StatusCode)
	}
}
