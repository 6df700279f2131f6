package systemtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// The security battery's helpers: a stack that logs at debug level into the
// test log (so that `make test`'s log scan reads FlowDeck's own lines under
// attack), and raw requests with a chosen Authorization header.

// newSecurityStack is newStack with FlowDeck's and the fakes' debug logs in
// the test log.
func newSecurityStack(t *testing.T, o localcloud.StackOptions) *stack {
	t.Helper()
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return newStack(t, o)
}

// secPost posts activity a to /api/messages with authorization as is.
func (s *stack) secPost(ctx context.Context, t testing.TB, authorization string, a map[string]any) answer {
	t.Helper()
	return s.do(ctx, t, http.MethodPost, "/api/messages", authorization, a)
}

// secSSO is s.ssoToken or the end of the test.
func (s *stack) secSSO(t testing.TB, u demo.User) string {
	t.Helper()
	tok, err := s.SSOToken(u)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// secClaims decodes a JWT's payload without checking anything.
func secClaims(t testing.TB, tok string) jwt.MapClaims {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT (%d parts)", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	c := jwt.MapClaims{}
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// secUser is the demo user called name.
func secUser(t testing.TB, name string) demo.User {
	t.Helper()
	for _, u := range demo.Users() {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no demo user %q", name)
	return demo.User{}
}

// secSignIn signs u in through the tab (OBO for every service).
func (s *stack) secSignIn(ctx context.Context, t testing.TB, u demo.User) {
	t.Helper()
	if a := s.do(ctx, t, http.MethodGet, "/api/me", "Bearer "+s.secSSO(t, u), nil); a.status != http.StatusOK {
		t.Fatalf("%s signs in: GET /api/me = %d %.300s", u.Name, a.status, a.body)
	}
}

// personal is u's personal conversation with the bot.
func (s *stack) personal(u demo.User) flowdeck.ConversationRef {
	return flowdeck.ConversationRef{TenantID: u.TenantID, ConversationID: s.Driver.ConversationID(u), Scope: flowdeck.ScopePersonal,
		UserID: u.ID, ServiceURL: s.Cloud.Connector.ServiceURL(), BotID: "28:" + demo.ClientID, ChannelID: "msteams"}
}

// postApprovalCard posts one of u's pending approvals as a card to u's
// personal chat, as the monitor does, and returns the approval and the
// card's activity id. u must be signed in.
func (s *stack) postApprovalCard(ctx context.Context, t testing.TB, u demo.User) (flowdeck.Approval, string) {
	t.Helper()
	as := flowdeck.WithPrincipal(ctx, flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN})
	rep, err := s.Main.Parts().Ops.Approvals(as, flowdeck.RoleApprover, true)
	if err != nil || len(rep.Approvals) == 0 {
		t.Fatalf("%s's pending approvals: %d, %v", u.Name, len(rep.Approvals), err)
	}
	a := rep.Approvals[0]
	id, err := s.Main.Parts().CardActions.PostApproval(ctx, s.personal(u), a, nil)
	if err != nil {
		t.Fatalf("post the approval card: %v", err)
	}
	return a, id
}

// approvalAction is the adaptiveCard/action invoke of from (in from's
// tenant) pressing the first option of approval a on the card replyTo in the
// conversation of where (as a confused or crafted activity may say).
func (s *stack) approvalAction(from, where demo.User, replyTo string, a flowdeck.Approval) map[string]any {
	inv := s.Driver.Activity(from, "invoke")
	inv["name"], inv["replyToId"] = "adaptiveCard/action", replyTo
	inv["conversation"] = map[string]any{"conversationType": "personal", "tenantId": from.TenantID, "id": s.Driver.ConversationID(where)}
	inv["channelData"].(map[string]any)["source"] = map[string]any{"name": "message"}
	option := flowdeck.ResponseApprove
	if len(a.Options) > 0 {
		option = a.Options[0]
	}
	data := map[string]any{"approvalId": a.ID, "environmentId": a.EnvironmentID, "response": option, "comment": "ok"}
	inv["value"] = map[string]any{"trigger": "manual",
		"action": map[string]any{"type": "Action.Execute", "verb": cards.VerbApprovalRespond, "data": data}}
	return inv
}

// cardAnswer decodes an adaptiveCard/action invoke response.
func cardAnswer(t testing.TB, body []byte) (statusCode int, typ, value string) {
	t.Helper()
	var b struct {
		StatusCode int             `json:"statusCode"`
		Type       string          `json:"type"`
		Value      json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatalf("invoke answer %.300s: %v", body, err)
	}
	return b.StatusCode, b.Type, string(b.Value)
}
