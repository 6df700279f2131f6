package botframework_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// TestTenantNotAllowedIsRefused: a verified activity of a tenant that is not
// allowed is not handled (403; HTTP 200 with an error for a card action),
// and neither is one that names no tenant; "*" allows every tenant.
func TestTenantNotAllowedIsRefused(t *testing.T) {
	r := replayEnv{env: newEnv(t), t: t}
	endpoint := func(h botframework.Handler, tenants ...string) *botframework.Endpoint {
		ep, err := botframework.NewEndpoint(botframework.EndpointOptions{
			Verifier: r.verifier(t, botframework.VerifierOptions{}), Handler: h, Logger: testLogger(t),
			Now: r.clock.Now, AllowedTenants: tenants,
		})
		if err != nil {
			t.Fatal(err)
		}
		return ep
	}
	h := &recorder{}
	ep := endpoint(h, demo.TenantID)
	foreign := r.activity("message", "1")
	foreign["conversation"] = map[string]any{"id": "a:1x", "tenantId": demo.OtherTenantID}
	if rec := r.send(ep, foreign, ""); rec.Code != http.StatusForbidden {
		t.Errorf("foreign tenant: %d, want 403", rec.Code)
	}
	noTenant := r.activity("message", "2")
	noTenant["conversation"] = map[string]any{"id": "a:1x"}
	if rec := r.send(ep, noTenant, ""); rec.Code != http.StatusForbidden {
		t.Errorf("no tenant: %d, want 403", rec.Code)
	}
	inv := r.activity("invoke", "f:3")
	inv["name"], inv["conversation"] = botframework.InvokeAdaptiveCardAction, map[string]any{"id": "a:1x", "tenantId": demo.OtherTenantID}
	rec := r.send(ep, inv, "")
	var body botframework.CardActionBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusOK || body.StatusCode != http.StatusForbidden {
		t.Errorf("foreign card action: %d %s, want 200 with statusCode 403", rec.Code, rec.Body)
	}
	// The tenant from channelData counts when the conversation has none.
	viaChannelData := r.activity("message", "4")
	viaChannelData["conversation"] = map[string]any{"id": "a:1x"}
	viaChannelData["channelData"] = map[string]any{"tenant": map[string]any{"id": demo.TenantID}}
	if rec := r.send(ep, viaChannelData, ""); rec.Code != http.StatusOK {
		t.Errorf("allowed tenant in channelData: %d, want 200", rec.Code)
	}
	if h.count() != 1 {
		t.Fatalf("%d activities handled, want only the allowed one", h.count())
	}
	if rec := r.send(endpoint(h, "*"), foreign, ""); rec.Code != http.StatusOK || h.count() != 2 {
		t.Errorf(`"*": %d, %d handled`, rec.Code, h.count())
	}
}
