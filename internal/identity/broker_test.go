package identity

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

var resources = map[string]string{Flow: entra.FlowResource, PowerApps: entra.PowerAppsResource, Graph: entra.GraphResource}

func asError(t *testing.T, err error, kind error) *flowdeck.Error {
	t.Helper()
	var fe *flowdeck.Error
	if !errors.Is(err, kind) || !errors.As(err, &fe) {
		t.Fatalf("err = %v, want kind %v", err, kind)
	}
	return fe
}

func TestBrokerOBOCacheRefreshRestart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	ctx := f.sso(t, adele, false)
	first := map[string]string{}
	for aud, res := range resources {
		first[aud] = f.token(t, ctx, f.broker, adele, aud)
		if n := f.idp.OBOCount(adele.TenantID, adele.ID, res); n != 1 {
			t.Errorf("%s: %d OBO calls, want 1", aud, n)
		}
		dt, ok := f.stored(t, adele, aud)
		if !ok || dt.AccessToken != first[aud] || dt.RefreshToken == "" {
			t.Fatalf("%s: stored = %v, want the token and a refresh token", aud, ok)
		}
		if f.dbContains(t, dt.AccessToken[len(dt.AccessToken)-40:]) || f.dbContains(t, dt.RefreshToken) {
			t.Errorf("%s: a token is stored in clear", aud)
		}
	}
	// Warm: from memory, no request at all.
	before := f.requests()
	for aud := range resources {
		if got := f.token(t, context.Background(), f.broker, adele, aud); got != first[aud] {
			t.Errorf("%s: warm token differs", aud)
		}
	}
	if n := f.requests(); n != before {
		t.Errorf("warm lookups made %d token requests", n-before)
	}
	// Near expiry: a refresh-token grant (no assertion needed), and the RT rotates.
	oldRT, _ := f.stored(t, adele, Flow)
	f.clock.Advance(56 * time.Minute)
	refreshes := f.idp.GrantCount("refresh_token")
	renewed := f.token(t, context.Background(), f.broker, adele, Flow)
	if renewed == first[Flow] || f.idp.GrantCount("refresh_token") != refreshes+1 || f.idp.OBOCount(adele.TenantID, adele.ID, entra.FlowResource) != 1 {
		t.Errorf("renewal: new token %v, refresh grants +%d, OBO %d", renewed != first[Flow],
			f.idp.GrantCount("refresh_token")-refreshes, f.idp.OBOCount(adele.TenantID, adele.ID, entra.FlowResource))
	}
	newRT, _ := f.stored(t, adele, Flow)
	if newRT.RefreshToken == oldRT.RefreshToken || newRT.AccessToken != renewed {
		t.Error("the stored refresh token did not rotate")
	}
	// A new process on the same store serves the stored token without Entra.
	before = f.requests()
	again := f.newBroker(t, demo.ClientSecret)
	if got := f.token(t, context.Background(), again, adele, Flow); got != renewed {
		t.Error("the new broker did not serve the stored token")
	}
	if n := f.requests(); n != before {
		t.Errorf("the new broker made %d token requests", n-before)
	}
}

func TestBrokerSingleFlight(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	ctx := f.sso(t, adele, false)
	start := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 600)
	for i := range 200 {
		wg.Go(func() {
			<-start
			for j := range 3 {
				aud := []string{Flow, PowerApps, Graph}[(i+j)%3]
				if _, err := f.broker.Token(ctx, principal(adele), aud); err != nil {
					errs <- err
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for aud, res := range resources {
		if n := f.idp.OBOCount(adele.TenantID, adele.ID, res); n != 1 {
			t.Errorf("%s: %d OBO calls for 200 concurrent callers, want 1", aud, n)
		}
	}
}

func TestBrokerConsentRequiredThenConsentFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.idp.GrantConsent(adele.TenantID, adele.ID, demo.ClientID, entra.GraphResource, ".default")
	ctx := f.sso(t, adele, false)
	f.token(t, ctx, f.broker, adele, Graph)
	_, err := f.broker.Token(ctx, principal(adele), Flow)
	fe := asError(t, err, flowdeck.ErrConsentRequired)
	if fe.Detail["audience_name"] != "Power Automate" || !strings.Contains(fe.Detail["missing_scopes"], "https://service.flow.microsoft.com//Flows.Read.All") ||
		!strings.HasPrefix(fe.Detail["consent_url"], f.web.URL+"/auth/start?s=") {
		t.Fatalf("detail = %v", fe.Detail)
	}
	if st := f.broker.Status(ctx, principal(adele)); st[Graph] != nil || !errors.Is(st[Flow], flowdeck.ErrConsentRequired) || !errors.Is(st[PowerApps], flowdeck.ErrConsentRequired) {
		t.Errorf("Status = %v", st)
	}
	// The consent flow, from the URL in the error.
	obo := f.idp.OBOCount(adele.TenantID, adele.ID, entra.FlowResource)
	pg := f.signIn(t, f.browser(), fe.Detail["consent_url"], adele, "accept", nil)
	if pg.status != 200 || !strings.Contains(pg.body, `data-outcome="success"`) || !strings.Contains(pg.body, `src="/auth/end.js"`) {
		t.Fatalf("end page: %d %s", pg.status, pg.body)
	}
	dt, ok := f.stored(t, adele, Flow)
	if !ok || dt.RefreshToken == "" {
		t.Fatal("the consent flow stored no Power Automate token with a refresh token")
	}
	// Now Power Automate works without a new SSO assertion and without OBO.
	if got := f.token(t, context.Background(), f.broker, adele, Flow); got != dt.AccessToken {
		t.Error("Token after consent is not the stored one")
	}
	if n := f.idp.OBOCount(adele.TenantID, adele.ID, entra.FlowResource); n != obo {
		t.Errorf("%d OBO calls after consent, want none", n-obo)
	}
}

// TestBrokerAdminOnlyTenant: where users cannot consent (Entra AADSTS90094),
// the error carries the tenant's admin-consent link and no consent page of
// the user's own; /api/me's Access says the same.
func TestBrokerAdminOnlyTenant(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.idp.RequireAdminConsent(adele.TenantID, true)
	ctx := f.sso(t, adele, false)
	_, err := f.broker.Token(ctx, principal(adele), Flow)
	fe := asError(t, err, flowdeck.ErrConsentRequired)
	if fe.Detail[flowdeck.DetailAdminRequired] != "true" || fe.Detail[flowdeck.DetailConsentURL] != "" ||
		!strings.Contains(fe.Detail[flowdeck.DetailAdminConsentURL], "/"+adele.TenantID+"/v2.0/adminconsent?client_id="+demo.ClientID) {
		t.Fatalf("detail = %v", fe.Detail)
	}
	for _, a := range f.broker.Access(ctx, principal(adele)) {
		if a.Audience == Flow && (a.Granted || a.AdminConsentURL != fe.Detail[flowdeck.DetailAdminConsentURL] || a.ConsentURL != "") {
			t.Errorf("Access(flow) = %+v", a)
		}
	}
	f.idp.RequireAdminConsent(adele.TenantID, false)
	_, err = f.broker.Token(ctx, principal(adele), Flow)
	if fe := asError(t, err, flowdeck.ErrConsentRequired); fe.Detail[flowdeck.DetailConsentURL] == "" || fe.Detail[flowdeck.DetailAdminRequired] != "" {
		t.Errorf("with user consent allowed again: detail = %v", fe.Detail)
	}
}

func TestBrokerInteractionRequiredWithClaims(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	f.idp.RequireMFA(adele.TenantID, adele.ID, entra.FlowResource)
	_, err := f.broker.Token(f.sso(t, adele, false), principal(adele), Flow)
	fe := asError(t, err, flowdeck.ErrInteractionRequired)
	if !strings.Contains(fe.Detail["claims"], "capolids") || fe.Detail["signin_url"] == "" {
		t.Errorf("detail = %v", fe.Detail)
	}
	// With MFA in the SSO token the exchange succeeds.
	f.token(t, f.sso(t, adele, true), f.broker, adele, Flow)
}

func TestBrokerDeadRefreshToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	ctx := f.sso(t, adele, false)
	for aud := range resources {
		f.token(t, ctx, f.broker, adele, aud)
	}
	f.idp.RevokeRefreshTokens(adele.TenantID, adele.ID)
	f.clock.Advance(2 * time.Hour)
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			_, err := f.broker.Token(context.Background(), principal(adele), []string{Flow, PowerApps, Graph}[i%3])
			if !errors.Is(err, flowdeck.ErrInteractionRequired) {
				t.Errorf("err = %v, want interaction required", err)
			}
		})
	}
	wg.Wait()
	if n := f.signIns.Load(); n != 1 {
		t.Errorf("OnSignInNeeded called %d times, want 1", n)
	}
	for aud := range resources {
		if _, ok := f.stored(t, adele, aud); ok {
			t.Errorf("%s: dead tokens kept", aud)
		}
	}
	// Signing in again (an SSO exchange) re-arms the notification.
	f.token(t, f.sso(t, adele, false), f.broker, adele, Flow)
	f.idp.RevokeRefreshTokens(adele.TenantID, adele.ID)
	f.clock.Advance(2 * time.Hour)
	_, _ = f.broker.Token(context.Background(), principal(adele), Flow)
	if n := f.signIns.Load(); n != 2 {
		t.Errorf("OnSignInNeeded called %d times after a second death, want 2", n)
	}
}

func TestBrokerTokenEndpointDown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	tok := f.token(t, f.sso(t, adele, false), f.broker, adele, Flow)
	f.idp.SetTokenEndpointDown(true)
	// Inside the refresh window the current token is still served.
	f.clock.Advance(57 * time.Minute)
	if got := f.token(t, context.Background(), f.broker, adele, Flow); got != tok {
		t.Error("the still-valid token was not served while Entra is down")
	}
	f.clock.Advance(10 * time.Minute)
	_, err := f.broker.Token(context.Background(), principal(adele), Flow)
	asError(t, err, flowdeck.ErrUnavailable)
	if _, ok := f.stored(t, adele, Flow); !ok {
		t.Error("stored tokens deleted while Entra was down")
	}
	if f.signIns.Load() != 0 {
		t.Error("OnSignInNeeded called while Entra was down")
	}
	f.idp.SetTokenEndpointDown(false)
	f.token(t, context.Background(), f.broker, adele, Flow)
}

func TestBrokerMisconfigured(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	bad := f.newBroker(t, "not-the-secret")
	_, err := bad.Token(f.sso(t, adele, false), principal(adele), Flow)
	fe := asError(t, err, flowdeck.ErrMisconfigured)
	if !strings.Contains(fe.Message, "flowdeck doctor") {
		t.Errorf("message = %q", fe.Message)
	}
	var ee *EntraError
	if !errors.As(err, &ee) || !ee.Has(7000215) {
		t.Errorf("cause = %v, want AADSTS7000215", fe.Err)
	}
}

func TestBrokerNotSignedIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.broker.Token(context.Background(), principal(megan), Graph)
	fe := asError(t, err, flowdeck.ErrInteractionRequired)
	if fe.Detail["reason"] != "not_signed_in" || !strings.HasPrefix(fe.Detail["signin_url"], f.web.URL+"/auth/start?s=") {
		t.Errorf("detail = %v", fe.Detail)
	}
	if _, err := f.broker.Token(context.Background(), flowdeck.Principal{}, Graph); !errors.Is(err, flowdeck.ErrUnauthenticated) {
		t.Errorf("no principal: %v", err)
	}
	if _, err := f.broker.Token(context.Background(), principal(megan), "arm"); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("unknown audience: %v", err)
	}
}

func TestBrokerExchangeAndSignOut(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.idp.GrantConsent(adele.TenantID, adele.ID, demo.ClientID, entra.GraphResource, ".default")
	f.idp.GrantConsent(adele.TenantID, adele.ID, demo.ClientID, entra.PowerAppsResource, ".default")
	ctx := f.sso(t, adele, false)
	a, _ := flowdeck.AssertionFrom(ctx)
	res, err := f.broker.Exchange(context.Background(), principal(adele), a)
	if err != nil {
		t.Fatal(err)
	}
	if res[Graph] != nil || res[PowerApps] != nil || !errors.Is(res[Flow], flowdeck.ErrConsentRequired) {
		t.Fatalf("Exchange = %v", res)
	}
	f.token(t, context.Background(), f.broker, adele, Graph)
	if err := f.broker.SignOut(context.Background(), principal(adele)); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.stored(t, adele, Graph); ok {
		t.Error("SignOut kept the stored token")
	}
	if _, err := f.broker.Token(context.Background(), principal(adele), Graph); !errors.Is(err, flowdeck.ErrInteractionRequired) {
		t.Errorf("after SignOut: %v, want interaction required", err)
	}
	if _, err := f.broker.Exchange(context.Background(), principal(adele), flowdeck.Assertion{}); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("empty assertion: %v", err)
	}
}

func TestBrokerMetricsCountExchangesAndCacheHits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	reg := prometheus.NewRegistry()
	m, err := NewBrokerMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	f.broker.metrics = m
	ctx := f.sso(t, adele, false)
	for range 3 {
		f.token(t, ctx, f.broker, adele, Graph)
	}
	if got := testutil.ToFloat64(m.Exchanges.WithLabelValues("obo", Graph, "ok")); got != 1 {
		t.Errorf("obo exchanges = %v, want 1", got)
	}
	if hit, miss := testutil.ToFloat64(m.Cache.WithLabelValues(Graph, "hit")), testutil.ToFloat64(m.Cache.WithLabelValues(Graph, "miss")); hit != 2 || miss != 1 {
		t.Errorf("cache hits %v misses %v, want 2 and 1", hit, miss)
	}
}
