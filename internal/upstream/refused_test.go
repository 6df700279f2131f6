package upstream_test

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// refusalCloud is the fake Entra ID and Power Platform, a real broker on a
// SQLite store, and the upstream client on the broker.
type refusalCloud struct {
	clk    *clock
	idp    *entra.Server
	pp     *powerplatform.Server
	store  *sqlstore.Store
	broker *identity.Broker
	http   *http.Client
	tenant *powerplatform.Tenant
}

func newRefusalCloud(t *testing.T, ppOptions ...func(*powerplatform.Options)) *refusalCloud {
	t.Helper()
	c := &refusalCloud{clk: &clock{t: time.Now().UTC().Truncate(time.Second)}}
	ca, err := fakeca.New()
	if err != nil {
		t.Fatal(err)
	}
	if c.idp, err = entra.New(entra.Options{CA: ca, Demo: true, Now: c.clk.Now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.idp.Close() })
	c.tenant = powerplatform.Demo(c.clk.Now())
	po := powerplatform.Options{CA: ca, Keyfunc: c.idp.Keyfunc, Now: c.clk.Now, Tenant: c.tenant}
	for _, f := range ppOptions {
		f(&po)
	}
	if c.pp, err = powerplatform.New(po); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.pp.Close)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	k, err := sqlstore.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	if c.store, err = sqlstore.Open(t.Context(), sqlstore.Options{URL: filepath.Join(t.TempDir(), "fd.db"), Keyring: k, Now: c.clk.Now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.store.Close() })
	reg, err := identity.NewRegistry(identity.RegistryOptions{Cloud: "public", FlowURL: c.pp.FlowURL(), PowerAppsURL: c.pp.PowerAppsURL(), BAPURL: c.pp.BAPURL()})
	if err != nil {
		t.Fatal(err)
	}
	cred, err := identity.NewSecretCredential(demo.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	if c.broker, err = identity.NewBroker(identity.BrokerOptions{Registry: reg, Store: c.store, Authority: c.idp.URL(),
		ClientID: demo.ClientID, Credential: cred, HTTPClient: c.idp.Client(), Now: c.clk.Now}); err != nil {
		t.Fatal(err)
	}
	c.http = upstream.NewClient(upstream.Options{Tokens: c.broker, Audiences: reg, Base: ca.Client().Transport})
	for _, r := range []string{entra.FlowResource, entra.PowerAppsResource, entra.GraphResource} {
		c.idp.GrantConsent(demo.TenantID, adele().ID, demo.ClientID, r, ".default")
	}
	return c
}

func adele() demo.User { return demo.Users()[0] }

// as is a request context of adele, with a Teams SSO token when sso is set.
func (c *refusalCloud) as(t *testing.T, sso bool) context.Context {
	t.Helper()
	u := adele()
	ctx := flowdeck.WithPrincipal(t.Context(), flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, UPN: u.UPN})
	if !sso {
		return ctx
	}
	a, err := c.idp.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2})
	if err != nil {
		t.Fatal(err)
	}
	return flowdeck.WithAssertion(ctx, flowdeck.NewAssertion(a))
}

// send sends method to the Flow API path with body ("" for none) and returns
// the status and the body, or the error.
func (c *refusalCloud) send(ctx context.Context, t *testing.T, method, path, body string) (int, string, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.pp.FlowURL()+"/providers/Microsoft.ProcessSimple"+path+"?api-version=2016-11-01", rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// statuses lists the fake's answers to route, in order.
func (c *refusalCloud) statuses(route string) []int {
	var out []int
	for _, r := range c.pp.Requests() {
		if r.Route == route {
			out = append(out, r.Status)
		}
	}
	return out
}

// TestRefusedTokenEvictedAndRetried: Power Platform refuses a token that
// Entra revoked; the transport evicts it (cache and store), obtains a fresh
// one (the refresh token is revoked too, so by OBO with the SSO token) and
// the same call succeeds — a read, and a write whose body is sent again.
func TestRefusedTokenEvictedAndRetried(t *testing.T) {
	c := newRefusalCloud(t)
	ctx := c.as(t, true)
	if status, body, err := c.send(ctx, t, "GET", "/environments", ""); err != nil || status != http.StatusOK {
		t.Fatalf("first call: %d %.200s %v", status, body, err)
	}
	before, err := c.store.GetToken(ctx, demo.TenantID, adele().ID, identity.Flow)
	if err != nil {
		t.Fatal(err)
	}
	c.pp.RevokeTokens(demo.TenantID, adele().ID)
	c.idp.RevokeRefreshTokens(demo.TenantID, adele().ID)
	c.clk.Advance(time.Second) // tokens issued from the next second are valid
	c.pp.ResetRequests()

	if status, body, err := c.send(c.as(t, true), t, "GET", "/environments", ""); err != nil || status != http.StatusOK {
		t.Fatalf("after the revocation: %d %.200s %v", status, body, err)
	}
	if got := c.statuses(powerplatform.RouteEnvironmentsList); len(got) != 2 || got[0] != 401 || got[1] != 200 {
		t.Errorf("the fake answered %v, want [401 200]", got)
	}
	after, err := c.store.GetToken(ctx, demo.TenantID, adele().ID, identity.Flow)
	if err != nil || after.AccessToken == before.AccessToken || after.AccessToken == "" {
		t.Errorf("the store still holds the refused token (%v)", err)
	}

	// A write: refused before it is applied, so it is sent again, body and all.
	var flow *powerplatform.Flow
	for _, f := range c.tenant.Flows {
		if f.OwnerID == adele().ID && f.Environment == c.tenant.Environments[0].Name {
			flow = f
			break
		}
	}
	c.pp.RevokeTokens(demo.TenantID, adele().ID)
	c.clk.Advance(time.Second)
	c.pp.ResetRequests()
	path := "/environments/" + flow.Environment + "/flows/" + flow.Name + "/stop"
	if status, body, err := c.send(c.as(t, true), t, "POST", path, "{}"); err != nil || status/100 != 2 {
		t.Fatalf("stop after the revocation: %d %.200s %v", status, body, err)
	}
	if got := c.statuses(powerplatform.RouteFlowsStop); len(got) != 2 || got[0] != 401 || got[1]/100 != 2 {
		t.Errorf("the fake answered %v to the stop, want [401 2xx]", got)
	}
}

// TestRefusedRenewedSilently: without an SSO token (the bot, the monitor),
// a refused token whose refresh token still works is renewed silently.
func TestRefusedRenewedSilently(t *testing.T) {
	c := newRefusalCloud(t)
	if status, _, err := c.send(c.as(t, true), t, "GET", "/environments", ""); err != nil || status != http.StatusOK {
		t.Fatalf("first call: %d %v", status, err)
	}
	c.pp.RevokeTokens(demo.TenantID, adele().ID)
	c.clk.Advance(time.Second)
	refreshes := c.idp.GrantCount(entra.GrantRefreshToken)
	if status, body, err := c.send(c.as(t, false), t, "GET", "/environments", ""); err != nil || status != http.StatusOK {
		t.Fatalf("after the revocation: %d %.200s %v", status, body, err)
	}
	if n := c.idp.GrantCount(entra.GrantRefreshToken) - refreshes; n != 1 {
		t.Errorf("%d refresh grants, want 1", n)
	}
}

// TestRefusedTwiceAsksToSignInAgain: when the fresh token is refused too,
// the caller gets ErrInteractionRequired with a sentence naming the service
// and the next step — no third attempt, and no token kept.
func TestRefusedTwiceAsksToSignInAgain(t *testing.T) {
	c := newRefusalCloud(t)
	ctx := c.as(t, true)
	if status, _, err := c.send(ctx, t, "GET", "/environments", ""); err != nil || status != http.StatusOK {
		t.Fatalf("first call: %d %v", status, err)
	}
	c.pp.RevokeTokens(demo.TenantID, adele().ID) // the clock stays: the fresh token is issued in the revoked second
	c.pp.ResetRequests()
	_, _, err := c.send(ctx, t, "GET", "/environments", "")
	var fe *flowdeck.Error
	if flowdeck.Code(err) != "interaction_required" || !errors.As(err, &fe) {
		t.Fatalf("err = %v, want interaction required", err)
	}
	if !strings.Contains(fe.Message, "Power Automate") || !strings.Contains(fe.Message, "sign in again") || fe.Detail["code"] != "InvalidAuthenticationToken" {
		t.Errorf("error = %q %v", fe.Message, fe.Detail)
	}
	if got := c.statuses(powerplatform.RouteEnvironmentsList); len(got) != 2 {
		t.Errorf("the fake saw %v, want exactly two attempts", got)
	}
	if st, err := c.store.GetToken(ctx, demo.TenantID, adele().ID, identity.Flow); err != nil || st.AccessToken != "" {
		t.Errorf("a refused token is still stored (%v)", err)
	}
}

// TestClaimsChallenge reads the claims of a CAE challenge as Microsoft
// documents it, and nothing from other challenges.
func TestClaimsChallenge(t *testing.T) {
	for _, tc := range []struct{ name, header, want string }{
		// learn.microsoft.com/entra/identity-platform/claims-challenge
		{"doc example", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiY3AxIn19fQ=="`,
			`{"access_token":{"acrs":{"essential":true,"value":"cp1"}}}`},
		{"second of two challenges", `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", Bearer realm="", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTYwNDEwNjY1MSJ9fX0="`,
			`{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}`},
		{"invalid_token", `Bearer error="invalid_token", error_description="The access token has expired"`, ""},
		{"not base64", `Bearer error="insufficient_claims", claims="%%%"`, ""},
		{"not JSON", `Bearer error="insufficient_claims", claims="bm90IGpzb24="`, ""},
	} {
		h := http.Header{"Www-Authenticate": {tc.header}}
		if got := upstream.ClaimsChallenge(h); got != tc.want {
			t.Errorf("%s: ClaimsChallenge = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestRefusedConcurrently: many calls refused at once share one renewal —
// no storm of refresh grants — and all succeed.
func TestRefusedConcurrently(t *testing.T) {
	c := newRefusalCloud(t)
	if status, _, err := c.send(c.as(t, true), t, "GET", "/environments", ""); err != nil || status != http.StatusOK {
		t.Fatalf("first call: %d %v", status, err)
	}
	c.pp.RevokeTokens(demo.TenantID, adele().ID)
	c.clk.Advance(time.Second)
	refreshes := c.idp.GrantCount(entra.GrantRefreshToken)
	ctx := c.as(t, false)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			status, body, err := c.send(ctx, t, "GET", "/environments", "")
			if err == nil && status != http.StatusOK {
				err = errors.New(body)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a concurrent call failed: %v", err)
		}
	}
	if n := c.idp.GrantCount(entra.GrantRefreshToken) - refreshes; n != 1 {
		t.Errorf("%d refresh grants for 8 refused calls, want 1", n)
	}
}

// TestRefusedAudienceIsNotSignInAgain: a token for the wrong audience is
// refused twice too, but a new sign-in cannot cure FlowDeck's own mistake:
// the caller gets the misconfiguration sentence, not a sign-in prompt.
func TestRefusedAudienceIsNotSignInAgain(t *testing.T) {
	c := newRefusalCloud(t, func(o *powerplatform.Options) { o.FlowAudience = "https://service.flow.microsoft.us/" })
	status, body, err := c.send(c.as(t, true), t, "GET", "/environments", "")
	if err != nil || status != http.StatusUnauthorized || !strings.Contains(body, "InvalidAuthenticationAudience") {
		t.Fatalf("wrong audience: %d %.200s %v, want the 401 envelope for DecodeError", status, body, err)
	}
	e := upstream.DecodeError(status, nil, []byte(body))
	if !errors.Is(e, flowdeck.ErrMisconfigured) || !strings.Contains(e.Message, "flowdeck doctor") {
		t.Errorf("decoded: %v", e)
	}
	if got := c.statuses(powerplatform.RouteEnvironmentsList); len(got) != 2 {
		t.Errorf("the fake saw %v, want two attempts", got)
	}
}

// TestRefusedExpiredToken: Power Platform's clock runs ahead, so it finds a
// token expired that FlowDeck still thought good (ExpiredAuthenticationToken).
// The token is evicted, a fresh one obtained with the refresh token, and the
// call succeeds.
func TestRefusedExpiredToken(t *testing.T) {
	const skew = time.Hour - 30*time.Second // the fake Entra ID's tokens live one hour
	c := newRefusalCloud(t, func(o *powerplatform.Options) {
		now := o.Now
		o.Now = func() time.Time { return now().Add(skew) }
	})
	if status, body, err := c.send(c.as(t, true), t, "GET", "/environments", ""); err != nil || status != http.StatusOK {
		t.Fatalf("first call: %d %.200s %v", status, body, err)
	}
	c.clk.Advance(time.Minute) // expired at Power Platform, not yet due for renewal at FlowDeck
	c.pp.ResetRequests()
	refreshes := c.idp.GrantCount(entra.GrantRefreshToken)
	if status, body, err := c.send(c.as(t, false), t, "GET", "/environments", ""); err != nil || status != http.StatusOK {
		t.Fatalf("with an expired token: %d %.200s %v", status, body, err)
	}
	if got := c.statuses(powerplatform.RouteEnvironmentsList); len(got) != 2 || got[0] != http.StatusUnauthorized {
		t.Errorf("the fake answered %v, want [401 200]", got)
	}
	if n := c.idp.GrantCount(entra.GrantRefreshToken) - refreshes; n != 1 {
		t.Errorf("%d refresh grants, want 1", n)
	}
}
