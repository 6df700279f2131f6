package identity

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestBrokerRefusedEvictsAndRenews: a refused token leaves the cache and the
// store (the refresh token stays) and the next Token renews it silently; a
// stale refusal (of a token already replaced) evicts nothing.
func TestBrokerRefusedEvictsAndRenews(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	p := principal(adele)
	sso := f.sso(t, adele, false)
	tok := f.token(t, sso, f.broker, adele, Flow)
	graph := f.token(t, sso, f.broker, adele, Graph)
	before, _ := f.stored(t, adele, Flow)

	f.broker.Refused(context.Background(), p, Flow, tok, "")
	dt, ok := f.stored(t, adele, Flow)
	if !ok || dt.AccessToken != "" || dt.RefreshToken != before.RefreshToken {
		t.Fatalf("after Refused the store holds access %v, refresh kept %v; want no access token, the refresh token",
			dt.AccessToken != "", dt.RefreshToken == before.RefreshToken)
	}
	refreshes := f.idp.GrantCount(entra.GrantRefreshToken)
	fresh := f.token(t, context.Background(), f.broker, adele, Flow)
	if fresh == tok || f.idp.GrantCount(entra.GrantRefreshToken) != refreshes+1 {
		t.Fatalf("after Refused: new token %v, refresh grants +%d; want a renewed token by one refresh",
			fresh != tok, f.idp.GrantCount(entra.GrantRefreshToken)-refreshes)
	}
	if got := f.token(t, context.Background(), f.broker, adele, Graph); got != graph {
		t.Error("refusing the Flow token touched the Graph token")
	}

	// The old token refused again (a late answer): the fresh one stays, no request.
	n := f.requests()
	f.broker.Refused(context.Background(), p, Flow, tok, "")
	if got := f.token(t, context.Background(), f.broker, adele, Flow); got != fresh || f.requests() != n {
		t.Errorf("a stale refusal evicted the fresh token (same %v, %d token requests)", got == fresh, f.requests()-n)
	}
	if dt, _ := f.stored(t, adele, Flow); dt.AccessToken != fresh {
		t.Error("a stale refusal evicted the stored fresh token")
	}
	f.checkLogs(t)
}

// TestBrokerRefusedAfterRevocation: when the sessions are revoked too, the
// renewal fails; with the user's SSO token at hand an OBO exchange recovers,
// without it the user is asked to sign in again.
func TestBrokerRefusedAfterRevocation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	p := principal(adele)
	tok := f.token(t, f.sso(t, adele, false), f.broker, adele, Flow)
	f.idp.RevokeRefreshTokens(adele.TenantID, adele.ID)
	f.broker.Refused(context.Background(), p, Flow, tok, "")
	_, err := f.broker.Token(context.Background(), p, Flow)
	if fe := asError(t, err, flowdeck.ErrInteractionRequired); fe.Detail["signin_url"] == "" {
		t.Errorf("no sign-in URL: %v", fe.Detail)
	}
	obo := f.idp.OBOCount(adele.TenantID, adele.ID, entra.FlowResource)
	if got := f.token(t, f.sso(t, adele, false), f.broker, adele, Flow); got == tok || f.idp.OBOCount(adele.TenantID, adele.ID, entra.FlowResource) != obo+1 {
		t.Errorf("with an SSO token: new token %v, OBO +%d", got != tok, f.idp.OBOCount(adele.TenantID, adele.ID, entra.FlowResource)-obo)
	}
	f.checkLogs(t)
}

// TestBrokerSignInAgain: the error for a second refusal asks for a new
// sign-in, names the service, and carries the sign-in URL.
func TestBrokerSignInAgain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cause := &flowdeck.Error{Kind: flowdeck.ErrUnauthenticated, Detail: map[string]string{"code": "InvalidAuthenticationToken"}}
	err := f.broker.SignInAgain(context.Background(), principal(adele), PowerApps, cause)
	fe := asError(t, err, flowdeck.ErrInteractionRequired)
	if flowdeck.KindOf(err) != flowdeck.ErrInteractionRequired {
		t.Errorf("KindOf = %v: the refusal's kind shadows interaction_required", flowdeck.KindOf(err))
	}
	if !strings.Contains(fe.Message, "Power Apps") || !strings.Contains(fe.Message, "sign in again") ||
		fe.Detail["reason"] != "token_refused" || fe.Detail["code"] != "InvalidAuthenticationToken" ||
		!strings.HasPrefix(fe.Detail["signin_url"], f.web.URL+"/auth/start?") {
		t.Errorf("SignInAgain = %q %v", fe.Message, fe.Detail)
	}
	if err := f.broker.SignInAgain(context.Background(), principal(adele), "nope", cause); !strings.Contains(flowdeck.Message(err), "unknown audience") {
		t.Errorf("unknown audience: %v", err)
	}
}

// TestBrokerClaimsChallengeFromAPI: an API's claims challenge reaches the
// next token request; Entra cannot satisfy it silently, so the user gets a
// sign-in URL whose authorize request carries the claims; after signing in
// there, the token comes silently.
func TestBrokerClaimsChallengeFromAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.consentAll(adele)
	p := principal(adele)
	tok := f.token(t, f.sso(t, adele, false), f.broker, adele, Flow)
	f.idp.RequireMFA(adele.TenantID, adele.ID, entra.FlowResource)
	const challenge = `{"access_token":{"capolids":{"essential":true,"values":["c0ffee00-0000-4000-8000-000000000001"]}}}`

	f.broker.Refused(context.Background(), p, Flow, tok, "not json") // a malformed challenge is dropped
	f.broker.Refused(context.Background(), p, Flow, "", challenge)
	_, err := f.broker.Token(context.Background(), p, Flow)
	fe := asError(t, err, flowdeck.ErrInteractionRequired)
	if fe.Detail["claims"] != challenge || fe.Detail["signin_url"] == "" {
		t.Fatalf("detail = %v, want the challenge and a sign-in URL", fe.Detail)
	}
	c := f.browser()
	start := get(t, c, fe.Detail["signin_url"])
	loc, err := url.Parse(start.location)
	if err != nil || loc.Query().Get("claims") != challenge {
		t.Fatalf("/auth/start → %q: the authorize request does not carry the claims", start.location)
	}
	if pg := f.signIn(t, c, fe.Detail["signin_url"], adele, "accept", nil); !strings.Contains(pg.body, `data-outcome="success"`) {
		t.Fatalf("sign-in page: %s", pg.body)
	}
	f.token(t, context.Background(), f.broker, adele, Flow)
	f.checkLogs(t)
}
