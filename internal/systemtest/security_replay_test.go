package systemtest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// TestSecurityReplayedActivity replays captured activities: with their
// expired channel token they are refused; within the token's hour (the same
// activity id in the same conversation) FlowDeck answers 200 and does
// nothing — no second reply, no second answer to an approval upstream, no
// second card update.
func TestSecurityReplayedActivity(t *testing.T) {
	s := newSecurityStack(t, localcloud.StackOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	adele := demo.Users()[0]
	s.secSignIn(ctx, t, adele)
	conv := s.Driver.ConversationID(adele)
	pp := s.Cloud.PowerPlatform

	// A message, answered once.
	msg := s.Driver.Activity(adele, "message")
	msg["text"] = "envs"
	if res, err := s.Driver.Send(ctx, msg); err != nil || res.Status != http.StatusOK {
		t.Fatalf("envs: %v, %d", err, res.Status)
	}
	replies := waitForMessages(ctx, t, s, conv, 1)
	envCalls := pp.Calls(powerplatform.RouteEnvironmentsList) + pp.Calls(powerplatform.RouteBAPEnvironmentsList) + pp.Calls(powerplatform.RoutePAEnvironmentsList)

	// (a) Replayed with its token once that has expired: refused.
	now := time.Now()
	expired := s.Cloud.Connector.ChannelClaims(demo.ClientID, s.Cloud.Connector.ServiceURL())
	expired["iat"], expired["nbf"], expired["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
	old, err := s.Cloud.Connector.SignWith(connector.KeyCurrent, jwt.SigningMethodRS256, expired)
	if err != nil {
		t.Fatal(err)
	}
	if a := s.secPost(ctx, t, "Bearer "+old, msg); a.status != http.StatusUnauthorized {
		t.Errorf("replay with an expired token: %d, want 401", a.status)
	}

	// (b) Replayed within the hour, with the channel's current token and
	// with another valid one: acknowledged, not acted on.
	fresh, err := s.Cloud.Connector.ChannelToken(demo.ClientID, s.Cloud.Connector.ServiceURL())
	if err != nil {
		t.Fatal(err)
	}
	if res, err := s.Driver.Send(ctx, msg); err != nil || res.Status != http.StatusOK || len(res.Body) != 0 {
		t.Errorf("replayed message: %v, %d %q; want 200 and nothing", err, res.Status, res.Body)
	}
	if a := s.secPost(ctx, t, "Bearer "+fresh, msg); a.status != http.StatusOK {
		t.Errorf("replayed message with another token: %d, want 200", a.status)
	}

	// An approval card: answered once, then the invoke is replayed.
	ap, cardID := s.postApprovalCard(ctx, t, adele)
	inv := s.approvalAction(adele, adele, cardID, ap)
	res, err := s.Driver.Send(ctx, inv)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("approve: %v, %d", err, res.Status)
	}
	if code, typ, v := cardAnswer(t, res.Body); code != http.StatusOK || !strings.Contains(typ, "card.adaptive") {
		t.Fatalf("approve answered %d %s %.300s", code, typ, v)
	}
	responds := pp.Calls(powerplatform.RouteApprovalsRespond)
	if responds != 1 {
		t.Fatalf("%d answers to the approval upstream, want 1", responds)
	}
	for _, auth := range []string{"", "Bearer " + fresh} {
		var body []byte
		if auth == "" {
			res, err := s.Driver.Send(ctx, inv)
			if err != nil || res.Status != http.StatusOK {
				t.Fatalf("replayed approve: %v, %d", err, res.Status)
			}
			body = res.Body
		} else {
			a := s.secPost(ctx, t, auth, inv)
			if a.status != http.StatusOK {
				t.Fatalf("replayed approve with another token: %d", a.status)
			}
			body = []byte(a.body)
		}
		if code, typ, v := cardAnswer(t, body); code != http.StatusOK || !strings.Contains(typ, "message") {
			t.Errorf("replayed approve answered %d %s %s, want 200 with a message", code, typ, v)
		}
	}
	if n := pp.Calls(powerplatform.RouteApprovalsRespond); n != responds {
		t.Errorf("%d answers to the approval upstream after the replays, want %d", n, responds)
	}

	// One more message, answered once, after everything the replays might
	// have caused: the replies so far are the envs answer and the card, and
	// the help's is the only one after them.
	msg2 := s.Driver.Activity(adele, "message")
	msg2["text"] = "help"
	if res, err := s.Driver.Send(ctx, msg2); err != nil || res.Status != http.StatusOK {
		t.Fatalf("help: %v, %d", err, res.Status)
	}
	after := waitForMessages(ctx, t, s, conv, len(replies)+2)
	if len(after) != len(replies)+2 || !strings.Contains(string(after[len(after)-1].Raw), "FlowDeck") {
		t.Errorf("%d messages in the chat, want %d: the envs answer, the approval card and the help", len(after), len(replies)+2)
	}
	if n := pp.Calls(powerplatform.RouteEnvironmentsList) + pp.Calls(powerplatform.RouteBAPEnvironmentsList) + pp.Calls(powerplatform.RoutePAEnvironmentsList); n != envCalls {
		t.Errorf("%d environment listings upstream after the replays, want %d", n, envCalls)
	}
}

// waitForMessages waits until conv has at least n bot messages (sends and
// replies, not typing or updates) and returns them.
func waitForMessages(ctx context.Context, t *testing.T, s *stack, conv string, n int) []connector.Record {
	t.Helper()
	for have := 1; ; have++ {
		recs, err := s.Cloud.Connector.WaitFor(ctx, conv, have)
		if err != nil {
			t.Fatalf("waiting for %d messages in %s: %v", n, conv, err)
		}
		var msgs []connector.Record
		for _, r := range recs {
			if (r.Op == connector.OpSend || r.Op == connector.OpReply) && r.Activity().Type == "message" {
				msgs = append(msgs, r)
			}
		}
		if len(msgs) >= n {
			return msgs
		}
		have = len(recs)
	}
}
