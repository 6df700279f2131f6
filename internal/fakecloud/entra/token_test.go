package entra

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func TestTokenEndpointMalformed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	t.Run("not a form", func(t *testing.T) {
		resp, err := f.srv.Client().Post(f.srv.TokenURL(demo.TenantID), "application/json", strings.NewReader(`{"grant_type":"client_credentials"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		checkEntraError(t, resp.StatusCode, decodeBody(t, resp.Body), 400, "invalid_request", 900144)
	})
	t.Run("bad encoding", func(t *testing.T) {
		resp, err := f.srv.Client().Post(f.srv.TokenURL(demo.TenantID), "application/x-www-form-urlencoded", strings.NewReader("grant_type=%zz"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		checkEntraError(t, resp.StatusCode, decodeBody(t, resp.Body), 400, "invalid_request", 9002313)
	})
	t.Run("no grant_type", func(t *testing.T) {
		status, body := f.post(t, demo.TenantID, url.Values{"client_id": {demo.ClientID}})
		checkEntraError(t, status, body, 400, "invalid_request", 900144)
	})
	t.Run("unsupported grant", func(t *testing.T) {
		status, body := f.post(t, demo.TenantID, url.Values{"grant_type": {"password"}, "client_id": {demo.ClientID}, "client_secret": {demo.ClientSecret}})
		checkEntraError(t, status, body, 400, "unsupported_grant_type", 70003)
	})
	t.Run("unknown tenant", func(t *testing.T) {
		status, body := f.post(t, "nowhere.example", url.Values{"grant_type": {GrantClientCredentials}})
		checkEntraError(t, status, body, 400, "invalid_request", 90002)
	})
	t.Run("correlation id echoed", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, f.srv.TokenURL(demo.TenantID), strings.NewReader("grant_type=password"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("client-request-id", "c0ffee00-0000-4000-8000-000000000001")
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body := decodeBody(t, resp.Body)
		if body["correlation_id"] != "c0ffee00-0000-4000-8000-000000000001" {
			t.Errorf("correlation_id = %v", body["correlation_id"])
		}
	})
}

func TestTokenEndpointDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.SetTokenEndpointDown(true)
	_, err := f.msal(t, demo.TenantID).AcquireTokenByCredential(ctx(t), []string{BotFrameworkResource + "/.default"})
	status, body := msalErrBody(t, err)
	checkEntraError(t, status, body, http.StatusServiceUnavailable, "temporarily_unavailable", 90033)
	f.srv.SetTokenEndpointDown(false)
	if _, err := f.msal(t, demo.TenantID).AcquireTokenByCredential(ctx(t), []string{BotFrameworkResource + "/.default"}); err != nil {
		t.Errorf("after recovery: %v", err)
	}
}

func TestRequestLogHasNoSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.srv.GrantAllDemoConsent()
	assertion := f.sso(t, SSORequest{TenantID: demo.TenantID, UserID: adele.ID})
	status, body := f.post(t, demo.TenantID, oboForm(assertion, flowDefault))
	if status != http.StatusOK {
		t.Fatalf("OBO: %d %v", status, body)
	}
	f.post(t, demo.TenantID, url.Values{"grant_type": {GrantClientCredentials}, "client_id": {demo.ClientID}, "client_secret": {"wrong-secret-value"}})

	log := f.srv.RequestLog()
	if len(log) != 2 {
		t.Fatalf("request log has %d entries, want 2: %v", len(log), log)
	}
	if log[0].GrantType != GrantOBO || log[0].Status != 200 || log[0].Path != "/"+demo.TenantID+"/oauth2/v2.0/token" || log[0].Method != "POST" {
		t.Errorf("entry 0 = %+v", log[0])
	}
	if log[1].GrantType != GrantClientCredentials || log[1].Status != 401 {
		t.Errorf("entry 1 = %+v", log[1])
	}
	out := f.logs.String()
	for _, secret := range []string{demo.ClientSecret, "wrong-secret-value", assertion, body["access_token"].(string), body["refresh_token"].(string)} {
		if strings.Contains(out, secret) {
			t.Errorf("log output contains a secret or token")
		}
	}
	if !strings.Contains(out, "grant_type="+GrantOBO) {
		t.Errorf("log output lacks the grant type: %s", out)
	}
}
