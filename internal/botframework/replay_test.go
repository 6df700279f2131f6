package botframework_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// memActivities is a flowdeck.ActivityLog in memory, shared by the
// "replicas" of a test; fail makes every claim fail.
type memActivities struct {
	mu     sync.Mutex
	now    func() time.Time
	until  map[string]time.Time
	claims int
	fail   error
}

func (m *memActivities) ClaimActivity(_ context.Context, key string, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.claims++
	if m.fail != nil {
		return m.fail
	}
	if u, ok := m.until[key]; ok && m.now().Before(u) {
		return flowdeck.Errorf(flowdeck.ErrConflict, "claimed")
	}
	if m.until == nil {
		m.until = map[string]time.Time{}
	}
	m.until[key] = expires
	return nil
}

// replayEnv is an endpoint ("replica") factory over one fake cloud and clock.
type replayEnv struct {
	*env
	t *testing.T
}

func (r replayEnv) endpoint(h botframework.Handler, log flowdeck.ActivityLog) *botframework.Endpoint {
	ep, err := botframework.NewEndpoint(botframework.EndpointOptions{
		Verifier: r.verifier(r.t, botframework.VerifierOptions{}), Handler: h, Logger: testLogger(r.t),
		Activities: log, Now: r.clock.Now,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return ep
}

// send posts a with a fresh channel token (or auth when not empty).
func (r replayEnv) send(ep http.Handler, a map[string]any, auth string) *httptest.ResponseRecorder {
	r.t.Helper()
	if auth == "" {
		auth = r.bearer(r.t, connector.KeyCurrent, jwt.SigningMethodRS256, r.bf.ChannelClaims(demo.ClientID, r.bf.ServiceURL()))
	}
	b, _ := json.Marshal(a)
	req := httptest.NewRequest(http.MethodPost, "/api/messages", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	rec := httptest.NewRecorder()
	ep.ServeHTTP(rec, req)
	return rec
}

func (r replayEnv) activity(typ, id string) map[string]any {
	return map[string]any{"type": typ, "id": id, "channelId": "msteams", "serviceUrl": r.bf.ServiceURL(),
		"from":         map[string]any{"id": "29:1", "aadObjectId": demo.Users()[0].ID},
		"conversation": map[string]any{"id": "a:1x", "tenantId": demo.TenantID}}
}

func TestReplayedActivityIsAcknowledgedNotHandled(t *testing.T) {
	r := replayEnv{env: newEnv(t), t: t}
	h := &recorder{answer: func(a *schema.Activity) (*botframework.InvokeResponse, error) {
		return botframework.CardResponse(map[string]any{"type": "AdaptiveCard"}), nil
	}}
	log := &memActivities{now: r.clock.Now}
	ep := r.endpoint(h, log)

	msg := r.activity("message", "1700000000001")
	if rec := r.send(ep, msg, ""); rec.Code != http.StatusOK || h.count() != 1 {
		t.Fatalf("first delivery: %d, %d handled", rec.Code, h.count())
	}
	// The same request again, with the same token and with a fresh one.
	auth := r.bearer(t, connector.KeyCurrent, jwt.SigningMethodRS256, r.bf.ChannelClaims(demo.ClientID, r.bf.ServiceURL()))
	for _, a := range []string{auth, auth, ""} {
		if rec := r.send(ep, msg, a); rec.Code != http.StatusOK || rec.Body.Len() != 0 {
			t.Errorf("repeat: %d %q, want 200 and no body", rec.Code, rec.Body)
		}
	}
	if h.count() != 1 {
		t.Fatalf("%d deliveries handled, want 1", h.count())
	}
	// The same id in another conversation, and another id, are new.
	other := r.activity("message", "1700000000001")
	other["conversation"] = map[string]any{"id": "a:2y", "tenantId": demo.TenantID}
	r.send(ep, other, "")
	r.send(ep, r.activity("message", "1700000000002"), "")
	if h.count() != 3 {
		t.Fatalf("%d handled, want 3", h.count())
	}

	// A repeated card action: HTTP 200 with a message, not the card again.
	inv := r.activity("invoke", "f:1")
	inv["name"] = botframework.InvokeAdaptiveCardAction
	r.send(ep, inv, "")
	rec := r.send(ep, inv, "")
	var body botframework.CardActionBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusOK ||
		body.StatusCode != http.StatusOK || body.Type != botframework.ContentTypeMessage {
		t.Errorf("repeated card action: %d %s", rec.Code, rec.Body)
	}
	if h.count() != 4 {
		t.Fatalf("%d handled, want 4", h.count())
	}

	// Another replica, same store: the repeat is caught there too.
	replica := r.endpoint(h, log)
	if rec := r.send(replica, msg, ""); rec.Code != http.StatusOK || h.count() != 4 {
		t.Errorf("repeat at another replica: %d, %d handled", rec.Code, h.count())
	}

	// Once every token that could carry it has expired, the key is let go
	// (a replay then needs a token only the channel can mint).
	r.clock.Advance(2*time.Hour + 2*botframework.ClockSkew)
	if rec := r.send(ep, msg, ""); rec.Code != http.StatusOK || h.count() != 5 {
		t.Errorf("after the window: %d, %d handled", rec.Code, h.count())
	}
}

func TestReplayProtectionWithoutAStore(t *testing.T) {
	r := replayEnv{env: newEnv(t), t: t}
	h := &recorder{}
	ep := r.endpoint(h, nil)
	msg := r.activity("message", "1700000000003")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if rec := r.send(ep, msg, ""); rec.Code != http.StatusOK {
				t.Errorf("delivery: %d", rec.Code)
			}
		})
	}
	wg.Wait()
	if h.count() != 1 {
		t.Fatalf("8 concurrent deliveries of one activity: %d handled, want 1", h.count())
	}
}

func TestReplayStoreFailureRefusesTheActivity(t *testing.T) {
	r := replayEnv{env: newEnv(t), t: t}
	h := &recorder{}
	log := &memActivities{now: r.clock.Now, fail: errors.New("database is down")}
	ep := r.endpoint(h, log)
	msg := r.activity("message", "1700000000004")
	if rec := r.send(ep, msg, ""); rec.Code != http.StatusServiceUnavailable || h.count() != 0 {
		t.Fatalf("store down: %d, %d handled; want 503 and nothing handled", rec.Code, h.count())
	}
	log.mu.Lock()
	log.fail = nil
	log.mu.Unlock()
	if rec := r.send(ep, msg, ""); rec.Code != http.StatusOK || h.count() != 1 {
		t.Fatalf("the channel's retry: %d, %d handled; want it handled", rec.Code, h.count())
	}
}

func TestReplayRefusedTokenIsNotRemembered(t *testing.T) {
	r := replayEnv{env: newEnv(t), t: t}
	h := &recorder{}
	log := &memActivities{now: r.clock.Now}
	ep := r.endpoint(h, log)
	msg := r.activity("message", "1700000000005")
	if rec := r.send(ep, msg, "Bearer forged"); rec.Code != http.StatusUnauthorized {
		t.Fatalf("forged: %d", rec.Code)
	}
	if log.claims != 0 {
		t.Fatalf("a refused activity reached the activity log (%d claims)", log.claims)
	}
	if rec := r.send(ep, msg, ""); rec.Code != http.StatusOK || h.count() != 1 {
		t.Fatalf("the genuine delivery after a forged one: %d, %d handled", rec.Code, h.count())
	}
}
