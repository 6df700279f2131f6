package systemtest

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// TestCertificateCredentialEndToEnd runs FlowDeck as `serve` with a
// certificate as its only credential (FLOWDECK_CLIENT_CERT_FILE; the app's
// secret removed at the fake Entra ID, which verifies every client
// assertion): tab calls (OBO), the sign-in page (code redemption, then
// refresh-token grants for the other audiences) and the bot's reply at the
// fake Bot Connector (MSAL's app-only token) all work, and no token request
// was refused.
func TestCertificateCredentialEndToEnd(t *testing.T) {
	s := newStack(t, localcloud.StackOptions{ClientCertificate: true})
	if s.Config.ClientSecret != "" || s.Config.ClientCertFile == "" {
		t.Fatalf("the stack still has a secret (%v) or no certificate file (%q)", s.Config.ClientSecret != "", s.Config.ClientCertFile)
	}
	idp := s.Cloud.Entra
	adele := demo.Users()[0]
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	// The tab: OBO for Power Apps (environments) and Power Automate (flows).
	sso, err := s.SSOToken(adele)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/api/environments", "/api/flows"} {
		if a := s.do(ctx, t, http.MethodGet, path, "Bearer "+sso, nil); a.status != http.StatusOK {
			t.Fatalf("GET %s = %d %.300s", path, a.status, a.body)
		}
	}
	if n := idp.OBOCount(demo.TenantID, adele.ID, entra.FlowResource); n != 1 {
		t.Errorf("OBO for Power Automate: %d, want 1", n)
	}

	// The sign-in page: MSAL redeems the code with a client assertion, then the
	// broker redeems the refresh token for every other audience with its own.
	refreshes := idp.GrantCount(entra.GrantRefreshToken)
	start, err := s.Main.Parts().Consent.StartURL(flowdeck.Principal{TenantID: adele.TenantID, UserID: adele.ID, UPN: adele.UPN}, adele.UPN, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Transport: s.Cloud.CA.Client().Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	loc := follow(t, browser, "GET", start, nil, http.StatusFound)
	page := body(t, browser, loc)
	flowID := regexp.MustCompile(`name="flow" value="([^"]+)"`).FindStringSubmatch(page)
	action := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindStringSubmatch(page)
	if flowID == nil || action == nil {
		t.Fatalf("no sign-in form on Entra's page:\n%s", page)
	}
	back := follow(t, browser, "POST", resolve(loc, action[1]), url.Values{"flow": {flowID[1]}, "user": {adele.ID}, "action": {"accept"}}, http.StatusFound)
	if end := body(t, browser, back); !strings.Contains(end, `data-result="signed_in"`) {
		t.Fatalf("/auth/end did not sign in:\n%s", end)
	}
	if idp.GrantCount(entra.GrantAuthorizationCode) != 1 || idp.GrantCount(entra.GrantRefreshToken) <= refreshes {
		t.Errorf("sign-in: %d code redemptions, %d refresh grants (before %d)", idp.GrantCount(entra.GrantAuthorizationCode), idp.GrantCount(entra.GrantRefreshToken), refreshes)
	}

	// The bot: its reply reaches the connector with the app-only token.
	if res, err := s.Driver.Say(ctx, adele, "help"); err != nil || res.Status/100 != 2 {
		t.Fatalf("say help: %v, status %d", err, res.Status)
	}
	if _, err := s.Cloud.Connector.WaitFor(ctx, s.Driver.ConversationID(adele), 1); err != nil {
		t.Fatalf("no reply at the connector: %v", err)
	}
	if idp.GrantCount(entra.GrantClientCredentials) == 0 {
		t.Error("no app-only token was requested")
	}

	// Every token request authenticated with an accepted client assertion.
	var tokenRequests int
	for _, r := range idp.RequestLog() {
		if strings.HasSuffix(r.Path, "/oauth2/v2.0/token") {
			tokenRequests++
			if r.Status != http.StatusOK {
				t.Errorf("token request %s answered %d", r.GrantType, r.Status)
			}
		}
	}
	if n := idp.AssertionCount(); n != tokenRequests || n < 4 {
		t.Errorf("%d client assertions accepted for %d token requests", n, tokenRequests)
	}
}
