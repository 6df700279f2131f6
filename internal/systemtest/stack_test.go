package systemtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/localcloud"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
)

// newStack starts a stack for one test on a fresh SQLite store (or, with
// storeURL, on that database), with FlowDeck's and the fakes' warnings in the
// test log.
func newStack(t testing.TB, o localcloud.StackOptions) *stack {
	t.Helper()
	if o.Config.DatabaseURL == "" {
		o.Config = localtest.Config(t)
	}
	if o.Logger == nil {
		var w io.Writer = io.Discard
		if tt, ok := t.(*testing.T); ok {
			w = tt.Output()
		}
		o.Logger = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	ls, err := localcloud.StartStack(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{ls}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close the stack: %v", err)
		}
	})
	return s
}

// stack is a localcloud.Stack with the tests' ways of talking to it.
type stack struct{ *localcloud.Stack }

// answer is an HTTP status, headers and body.
type answer struct {
	status int
	header http.Header
	body   string
}

// do sends method path to FlowDeck with authorization ("" for none) and
// body: nil for none, a string as it is, anything else encoded as JSON; a
// body goes as application/json.
func (s *stack) do(ctx context.Context, t testing.TB, method, path, authorization string, body any) answer {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// TestStackServesTheBotAndTheTab: the bot answers a signed activity through
// the fake Bot Connector, and the tab API answers an SSO token, with FlowDeck
// in serve mode.
func TestStackServesTheBotAndTheTab(t *testing.T) {
	s := newStack(t, localcloud.StackOptions{})
	adele := demo.Users()[0]
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	res, err := s.Driver.Say(ctx, adele, "help")
	if err != nil || res.Status/100 != 2 {
		t.Fatalf("say help: %v, status %d", err, res.Status)
	}
	recs, err := s.Cloud.Connector.WaitFor(ctx, s.Driver.ConversationID(adele), 1)
	if err != nil {
		t.Fatalf("no reply at the connector: %v", err)
	}
	if !strings.Contains(string(recs[0].Raw), "FlowDeck") {
		t.Errorf("the reply does not look like help: %.200s", recs[0].Raw)
	}

	tok, err := s.SSOToken(adele)
	if err != nil {
		t.Fatal(err)
	}
	if a := s.do(ctx, t, http.MethodGet, "/api/me", "Bearer "+tok, nil); a.status != http.StatusOK || !strings.Contains(a.body, adele.UPN) {
		t.Errorf("GET /api/me = %d %.300s", a.status, a.body)
	}

	// Serve mode: an unsigned activity is refused even from loopback.
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/api/messages", strings.NewReader(`{"type":"message","text":"help"}`))
	req.Header.Set("Content-Type", "application/json")
	resp2, err := s.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusUnauthorized {
		t.Errorf("unsigned activity: %d, want 401", resp2.StatusCode)
	}
}
