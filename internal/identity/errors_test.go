package identity

import (
	"errors"
	"net/http"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	flow := Audience{Key: Flow, Name: "Power Automate", Resource: "https://service.flow.microsoft.com/", Scopes: []string{"Flows.Read.All"}}
	body := func(status int, js string) error {
		return parseEntraError(status, http.Header{"Retry-After": {"7"}}, []byte(js))
	}
	for _, tc := range []struct {
		name string
		err  error
		g    grant
		kind error
		dead bool
	}{
		{"consent", body(400, `{"error":"invalid_grant","error_codes":[65001],"suberror":"consent_required"}`), grantOBO, flowdeck.ErrConsentRequired, false},
		{"consent on refresh", body(400, `{"error":"invalid_grant","error_codes":[65001]}`), grantRefresh, flowdeck.ErrConsentRequired, false},
		{"admin consent required", body(400, `{"error":"invalid_grant","error_codes":[90094]}`), grantOBO, flowdeck.ErrConsentRequired, false},
		{"mfa", body(400, `{"error":"interaction_required","error_codes":[50076],"claims":"{}"}`), grantOBO, flowdeck.ErrInteractionRequired, false},
		{"mfa on refresh", body(400, `{"error":"invalid_grant","error_codes":[50079]}`), grantRefresh, flowdeck.ErrInteractionRequired, false},
		{"rt inactive", body(400, `{"error":"invalid_grant","error_codes":[700082]}`), grantRefresh, flowdeck.ErrInteractionRequired, true},
		{"rt revoked", body(400, `{"error":"invalid_grant","error_codes":[50173]}`), grantRefresh, flowdeck.ErrInteractionRequired, true},
		{"code expired", body(400, `{"error":"invalid_grant","error_codes":[70008]}`), grantCode, flowdeck.ErrInvalid, false},
		{"assertion expired", body(400, `{"error":"invalid_grant","error_codes":[500133]}`), grantOBO, flowdeck.ErrUnauthenticated, false},
		{"invalid resource", body(400, `{"error":"invalid_client","error_codes":[650057]}`), grantOBO, flowdeck.ErrMisconfigured, false},
		{"bad secret", body(401, `{"error":"invalid_client","error_codes":[7000215]}`), grantRefresh, flowdeck.ErrMisconfigured, false},
		{"certificate not registered", body(401, `{"error":"invalid_client","error_codes":[700027]}`), grantOBO, flowdeck.ErrMisconfigured, false},
		{"client assertion out of time (clock)", body(401, `{"error":"invalid_client","error_codes":[700024]}`), grantRefresh, flowdeck.ErrMisconfigured, false},
		{"client assertion malformed, not the user's", body(401, `{"error":"invalid_client","error_codes":[50027]}`), grantOBO, flowdeck.ErrMisconfigured, false},
		{"client assertion replayed, not the user's", body(401, `{"error":"invalid_client","error_codes":[50013]}`), grantOBO, flowdeck.ErrMisconfigured, false},
		{"user assertion invalid", body(400, `{"error":"invalid_request","error_codes":[50027]}`), grantOBO, flowdeck.ErrUnauthenticated, false},
		{"not in tenant", body(400, `{"error":"invalid_grant","error_codes":[50020]}`), grantOBO, flowdeck.ErrForbidden, false},
		{"blocked by CA", body(400, `{"error":"invalid_grant","error_codes":[53003],"claims":"{}"}`), grantOBO, flowdeck.ErrForbidden, false},
		{"down", body(503, `{"error":"temporarily_unavailable","error_codes":[90033]}`), grantRefresh, flowdeck.ErrUnavailable, false},
		{"html 502", body(502, `<html>`), grantOBO, flowdeck.ErrUnavailable, false},
		{"throttled", body(429, ``), grantOBO, flowdeck.ErrThrottled, false},
		{"network", errors.New("dial tcp: connection refused"), grantRefresh, flowdeck.ErrUnavailable, false},
	} {
		fe, dead := classify(tc.err, tc.g, flow)
		if !errors.Is(fe, tc.kind) || dead != tc.dead {
			t.Errorf("%s: kind %v dead %v, want %v %v", tc.name, flowdeck.KindOf(fe), dead, tc.kind, tc.dead)
		}
	}
	fe, _ := classify(body(400, `{"error":"invalid_grant","error_codes":[90094]}`), grantOBO, flow)
	if fe.Detail[flowdeck.DetailAdminRequired] != "true" || fe.Detail[flowdeck.DetailMissingScopes] == "" {
		t.Errorf("90094: detail = %v, want admin_required and the missing scopes", fe.Detail)
	}
	if fe, _ := classify(body(400, `{"error":"invalid_grant","error_codes":[65001]}`), grantOBO, flow); fe.Detail[flowdeck.DetailAdminRequired] != "" {
		t.Errorf("65001: detail = %v, want no admin_required (the user can consent)", fe.Detail)
	}
	fe, _ = classify(body(503, `{"error":"temporarily_unavailable"}`), grantOBO, flow)
	if fe.RetryAfter.Seconds() != 7 {
		t.Errorf("RetryAfter = %v", fe.RetryAfter)
	}
}
