package systemtest

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// fakeClock is the local cloud's clock in the refusal tests: the fakes
// stamp and check token times with it, so a test can move past the second of
// a revocation (FlowDeck keeps the real clock; the skew is seconds).
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// newClockedCloudFixture is newCloudFixture with the fakes on clk and every
// demo permission consented for the tenant.
func newClockedCloudFixture(t *testing.T, clk *fakeClock) *cloudFixture {
	t.Helper()
	return newCloudFixtureAt(t, clk.Now, true)
}

// tabCall is one tab API call with a fresh Teams SSO token of u.
func (f *cloudFixture) tabCall(t *testing.T, u demo.User, path string) (int, map[string]any) {
	t.Helper()
	sso, err := f.entra.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Audience: f.m.Config.AppIDURI})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", f.m.URL()+"/api"+path, nil)
	req.Header.Set("Authorization", "Bearer "+sso)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// answers lists the fake Power Platform's statuses for route, in order.
func (f *cloudFixture) answers(route string) []int {
	var out []int
	for _, r := range f.pp.Requests() {
		if r.Route == route {
			out = append(out, r.Status)
		}
	}
	return out
}

// TestFaultTokenRevokedRetried: Entra revokes the user's sessions
// and Power Platform and Graph refuse the tokens FlowDeck holds. The tab's
// next calls still answer 200: each refused token is evicted, a fresh one
// obtained (the refresh token is revoked too, so by OBO with the tab's SSO
// token) and the call sent once more.
func TestFaultTokenRevokedRetried(t *testing.T) {
	clk := &fakeClock{t: time.Now().Truncate(time.Second)}
	f := newClockedCloudFixture(t, clk)
	adele := demo.Users()[0]
	if code, body := f.tabCall(t, adele, "/me"); code != http.StatusOK || body["profile"] == nil {
		t.Fatalf("/api/me before the revocation = %d %v", code, body)
	}
	// Graph alone refuses (its refresh token still works): renewed silently.
	f.graph.RevokeTokens(demo.TenantID, adele.ID)
	clk.Advance(time.Second)
	graphCalls, refreshes := f.graph.Calls("/v1.0/me"), f.entra.GrantCount(entra.GrantRefreshToken)
	code, body := f.tabCall(t, adele, "/me")
	if p, _ := body["profile"].(map[string]any); code != http.StatusOK || p == nil || p["displayName"] != adele.Name {
		t.Errorf("/api/me after Graph's revocation = %d %v", code, body)
	}
	if n := f.graph.Calls("/v1.0/me") - graphCalls; n != 2 {
		t.Errorf("Graph saw %d profile calls, want 2 (refused, then the fresh token)", n)
	}
	if n := f.entra.GrantCount(entra.GrantRefreshToken) - refreshes; n != 1 {
		t.Errorf("%d refresh grants for the fresh Graph token, want 1", n)
	}

	// Entra revokes the sessions, Power Automate refuses: renewed by OBO.
	f.entra.RevokeRefreshTokens(demo.TenantID, adele.ID)
	f.pp.RevokeTokens(demo.TenantID, adele.ID)
	clk.Advance(time.Second)
	f.pp.ResetRequests()
	code, body = f.tabCall(t, adele, "/environments")
	if envs, _ := body["environments"].([]any); code != http.StatusOK || len(envs) == 0 {
		t.Fatalf("/api/environments after the revocation = %d %v", code, body)
	}
	if got := f.answers(powerplatform.RouteEnvironmentsList); len(got) != 2 || got[0] != 401 || got[1] != 200 {
		t.Errorf("Power Automate answered %v, want [401 200]: refused once, then the fresh token", got)
	}
	if logs := f.logs.String(); !strings.Contains(logs, "token refused; retrying once") || strings.Contains(logs, "eyJ") {
		t.Error("the logs lack the retry, or hold a JWT")
	}
}

// TestFaultTokenRefusedTwice: when the fresh token is refused as
// well, the tab gets a JSON error it can act on: interaction_required, a
// sentence naming the service and the next step, and the sign-in URL.
func TestFaultTokenRefusedTwice(t *testing.T) {
	clk := &fakeClock{t: time.Now().Truncate(time.Second)}
	f := newClockedCloudFixture(t, clk)
	adele := demo.Users()[0]
	if code, body := f.tabCall(t, adele, "/me"); code != http.StatusOK {
		t.Fatalf("/api/me = %d %v", code, body)
	}
	f.pp.RevokeTokens(demo.TenantID, adele.ID) // the clock stays: every token of this second is refused
	f.pp.ResetRequests()
	code, body := f.tabCall(t, adele, "/environments")
	msg, _ := body["message"].(string)
	detail, _ := body["detail"].(map[string]any)
	signin, _ := detail["signin_url"].(string)
	if code != http.StatusUnauthorized || body["code"] != "interaction_required" || !strings.Contains(msg, "Power Automate") ||
		!strings.Contains(msg, "sign in again") || !strings.HasPrefix(signin, f.m.URL()+"/auth/start?") {
		t.Fatalf("/api/environments refused twice = %d %v", code, body)
	}
	if got := f.answers(powerplatform.RouteEnvironmentsList); len(got) != 2 {
		t.Errorf("Power Automate saw %v, want exactly two attempts", got)
	}
}

// TestFaultMFAClaimsChallenge: a Conditional Access policy wants MFA
// for Power Automate. The tab learns it from /api/me with a consent URL whose
// authorize request carries Entra's claims challenge; the user signs in at
// the fake's page (which asks for MFA because of the claims) and the tab's
// Power Automate calls then work silently.
func TestFaultMFAClaimsChallenge(t *testing.T) {
	clk := &fakeClock{t: time.Now().Truncate(time.Second)}
	f := newClockedCloudFixture(t, clk)
	adele := demo.Users()[0]
	f.entra.RequireMFA(demo.TenantID, adele.ID, entra.FlowResource)

	code, ans := f.tabCall(t, adele, "/environments")
	detail, _ := ans["detail"].(map[string]any)
	challenge, _ := detail["claims"].(string)
	if code != http.StatusUnauthorized || ans["code"] != "interaction_required" || !strings.Contains(challenge, "capolids") {
		t.Fatalf("/api/environments under an MFA policy = %d %v", code, ans)
	}
	code, ans = f.tabCall(t, adele, "/me")
	consent := ""
	for _, a := range ans["access"].([]any) {
		if a := a.(map[string]any); a["audience"] == "flow" {
			consent, _ = a["consentUrl"].(string)
			if a["granted"] != false || a["code"] != "interaction_required" {
				t.Errorf("flow access = %v", a)
			}
		}
	}
	if code != http.StatusOK || !strings.HasPrefix(consent, f.m.URL()+"/auth/start?") {
		t.Fatalf("/api/me = %d %v: no sign-in URL for Power Automate", code, ans)
	}

	// The consent popup: /auth/start → Entra's authorize request with the claims.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Transport: f.ca.Client().Transport, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	loc := follow(t, browser, "GET", consent, nil, http.StatusFound)
	if claims := mustQuery(t, loc).Get("claims"); claims != challenge {
		t.Fatalf("the authorize request's claims = %q, want Entra's challenge %q", claims, challenge)
	}
	page := body(t, browser, loc)
	m := regexp.MustCompile(`name="flow" value="([^"]+)"`).FindStringSubmatch(page)
	action := regexp.MustCompile(`<form method="post" action="([^"]+)"`).FindStringSubmatch(page)
	if m == nil || action == nil || !strings.Contains(page, "multi-factor authentication") {
		t.Fatalf("Entra's page does not ask for MFA:\n%s", page)
	}
	back := follow(t, browser, "POST", resolve(loc, action[1]), url.Values{"flow": {m[1]}, "user": {adele.ID}, "action": {"accept"}}, http.StatusFound)
	if end := body(t, browser, back); !strings.Contains(end, `data-outcome="success"`) {
		t.Fatalf("/auth/end:\n%s", end)
	}

	// Back in the tab: the silent path works.
	if code, ans := f.tabCall(t, adele, "/environments"); code != http.StatusOK {
		t.Fatalf("/api/environments after the MFA sign-in = %d %v", code, ans)
	}
}

// TestFaultTokenRefusedTwiceBot: the bot's side of a refusal that a fresh
// token does not cure: Power Platform refuses every token of the user, and
// the command's answer is the sign-in card with the sentence that says why
// and what to do; after the sign-in is possible again the command works.
func TestFaultTokenRefusedTwiceBot(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)

	s.Cloud.PowerPlatform.RevokeTokensIssuedBefore(demo.TenantID, adele.ID, time.Now().Add(time.Hour))
	s.Cloud.PowerPlatform.ResetRequests()
	reply := s.ask(ctx, t, adele, "envs")
	if !strings.Contains(reply, "application/vnd.microsoft.card.oauth") || !strings.Contains(reply, "did not accept your sign-in") ||
		!strings.Contains(reply, "sign in again") || !strings.Contains(reply, "/auth/start?s=") {
		t.Fatalf("the bot's answer to a twice-refused token: %.800s", reply)
	}
	var refused int
	for _, r := range s.Cloud.PowerPlatform.Requests() {
		if r.Route == powerplatform.RouteEnvironmentsList {
			if r.Status != http.StatusUnauthorized {
				t.Errorf("Power Automate answered %d, want only 401s", r.Status)
			}
			refused++
		}
	}
	if refused != 2 {
		t.Errorf("Power Automate saw %d attempts, want 2 (the token, then a fresh one)", refused)
	}

	s.Cloud.PowerPlatform.ClearRevocations()
	if reply := s.ask(ctx, t, adele, "envs"); strings.Contains(reply, "card.oauth") {
		t.Errorf("after the revocation ended the bot still asks to sign in: %.400s", reply)
	}
}
