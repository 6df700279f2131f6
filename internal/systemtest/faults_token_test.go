package systemtest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// TestFaultTokenEndpointDown: Entra ID's token endpoint is down.
//   - Adele signed in before: her tokens are fresh, so the tab, the bot and
//     the monitor keep working (a failure that happens during the outage is
//     told once).
//   - Megan never signed in: the tab says the sign-in service is not
//     answering and to try again, and the bot's sign-in (token exchange)
//     fails with 412 so that Teams shows the sign-in button again; nothing
//     claims she is signed in.
//   - After the outage both work.
//
// Not covered end to end: a signed-in user whose tokens expire during the
// outage. The stack cannot age tokens (the fake Entra ID's token lifetime is
// fixed by startLocalCloud); internal/identity's TestBrokerTokenEndpointDown
// covers it (tokens kept, no sign-in request, ErrUnavailable).
func TestFaultTokenEndpointDown(t *testing.T) {
	s := newFaultStack(t, faultConfig(t, ""))
	ctx := faultCtx(t)
	adele, megan := demo.Users()[0], demo.Users()[1]
	s.signIn(ctx, t, adele)
	sub := s.watchAll(ctx, t, adele)
	if res, err := s.Driver.Install(ctx, megan); err != nil || res.Status/100 != 2 {
		t.Fatalf("install for megan: %v, status %d", err, res.Status)
	}

	s.Cloud.Entra.SetTokenEndpointDown(true)

	// With cached tokens.
	if a := s.tab(ctx, t, adele, http.MethodGet, "/api/flows", ""); a.status != http.StatusOK || !strings.Contains(a.body, faultFlowName(adele)) {
		t.Errorf("adele's GET /api/flows while Entra is down = %d %.300s", a.status, a.body)
	}
	if reply := s.ask(ctx, t, adele, "flows"); !strings.Contains(reply, faultFlowName(adele)) {
		t.Errorf("adele's bot flows while Entra is down: %.400s", reply)
	}
	failedAt := s.failRun(t, adele)
	wantAlertOnce(ctx, t, s, adele, sub.ID, failedAt)

	// Without.
	a := s.tab(ctx, t, megan, http.MethodGet, "/api/flows", "")
	wantTabError(t, "megan's GET /api/flows while Entra is down", a, http.StatusServiceUnavailable, "Entra", "try again")
	tok, err := s.SSOToken(megan)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Driver.TokenExchange(ctx, megan, tok)
	if err != nil || res.Status != http.StatusPreconditionFailed {
		t.Errorf("megan's token exchange while Entra is down: %v, status %d, want 412", err, res.Status)
	}
	noSecrets(t, "the token exchange answer", string(res.Body))
	if n := len(s.cards(megan, "signed in")); n != 0 {
		t.Errorf("megan was told %d times she is signed in while Entra was down", n)
	}

	s.Cloud.Entra.SetTokenEndpointDown(false)
	if a := s.tab(ctx, t, megan, http.MethodGet, "/api/flows", ""); a.status != http.StatusOK || !strings.Contains(a.body, faultFlowName(megan)) {
		t.Errorf("megan's GET /api/flows after the outage = %d %.300s", a.status, a.body)
	}
	if res, err := s.Driver.TokenExchange(ctx, megan, tok); err != nil || res.Status != http.StatusOK {
		t.Errorf("megan's token exchange after the outage: %v, status %d", err, res.Status)
	}
	if got := s.subscription(ctx, t, adele, sub.ID); got.Paused {
		t.Error("adele's subscription was paused by the outage")
	}
}
