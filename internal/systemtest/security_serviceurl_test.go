package systemtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// checkServiceURLHost sends a genuine tenant-issued channel token, which
// carries no serviceurl claim, with an activity whose serviceUrl is an
// attacker's host: FlowDeck refuses it (403, a JSON error) and the attacker
// never sees a request, let alone the bot's token.
func checkServiceURLHost(ctx context.Context, t *testing.T, s *stack, victim demo.User) {
	t.Helper()
	var hits atomic.Int64
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits.Add(1) }))
	defer evil.Close()
	attacker := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1) + "/teams/"
	for _, f := range []connector.TokenForm{connector.FormTenantV1, connector.FormTenantV2} {
		tok, err := s.Cloud.Connector.ChannelTokenAs(f, demo.ClientID, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, typ := range []string{"message", "conversationUpdate"} {
			a := s.Driver.Activity(victim, typ)
			a["serviceUrl"] = attacker
			if typ == "message" {
				a["text"] = "envs"
			} else {
				a["membersAdded"] = []any{map[string]any{"id": connector.BotMRI(demo.ClientID)}}
			}
			if got := s.secPost(ctx, t, "Bearer "+tok, a); got.status != http.StatusForbidden || !strings.Contains(got.body, `"error"`) {
				t.Errorf("tenant token (form %d), %s with the attacker's serviceUrl: %d %.200s, want 403 with a JSON error", f, typ, got.status, got.body)
			}
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the attacker's serviceUrl got %d requests", n)
	}
}
