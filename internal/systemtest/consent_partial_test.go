package systemtest

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// TestPartialConsentDegradesPerAction: a tenant whose administrator granted
// only Flows.Read.All (of Power Automate's permissions). Listing flows works,
// in the tab and in the bot; turning one on answers, for that action only, a
// sentence naming Flows.Manage.All with the admin-consent link (the tab's
// JSON error carries it, the bot's card has it as a button). With nothing
// consented for Power Automate at all, both surfaces offer the consent prompt.
func TestPartialConsentDegradesPerAction(t *testing.T) {
	s := newStack(t, localcloud.StackOptions{Config: faultConfig(t, ""), Tenant: faultTenant()})
	ctx := faultCtx(t)
	idp := s.Cloud.Entra
	idp.RevokeAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource)
	idp.GrantAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource, "Flows.Read.All", "Approvals.Read.All")
	adele, megan := demo.Users()[0], demo.Users()[1]

	// The tab: reading works, the state change names the missing permission.
	if a := s.tab(ctx, t, adele, http.MethodGet, "/api/flows", ""); a.status != http.StatusOK || !strings.Contains(a.body, faultFlowName(adele)) {
		t.Fatalf("GET /api/flows with read consent = %d %.300s", a.status, a.body)
	}
	a := s.tab(ctx, t, adele, http.MethodPost, "/api/flows/"+faultEnv+"/"+faultFlowID(adele)+"/state", `{"on":false}`)
	wantTabError(t, "turning a flow off without Flows.Manage.All", a, http.StatusForbidden, "Flows.Manage.All", "Power Automate", "admin-consent link")
	if a.err.Code != "forbidden" || a.err.Detail["permission"] != "Flows.Manage.All" ||
		!strings.HasPrefix(a.err.Detail["admin_consent_url"], idp.URL()+"/"+demo.TenantID+"/v2.0/adminconsent?client_id="+demo.ClientID) ||
		!strings.HasPrefix(a.err.Detail["consent_url"], s.URL()+"/auth/start?s=") {
		t.Errorf("error = %+v", a.err)
	}
	if a := s.tab(ctx, t, adele, http.MethodGet, "/api/flows", ""); a.status != http.StatusOK {
		t.Errorf("reading after the refused change = %d %.300s", a.status, a.body)
	}

	// The bot: the same, as a card with the admin-consent button.
	s.signIn(ctx, t, adele)
	if reply := s.ask(ctx, t, adele, "flows"); !strings.Contains(reply, faultFlowName(adele)) {
		t.Errorf("flows with read consent: %.400s", reply)
	}
	reply := s.ask(ctx, t, adele, "on "+faultFlowName(adele))
	for _, want := range []string{"Flows.Manage.All", "admin-consent link", `"title":"Admin consent"`, "/v2.0/adminconsent?client_id=" + demo.ClientID, "/auth/start?s="} {
		if !strings.Contains(reply, want) {
			t.Errorf("bot reply to on without Flows.Manage.All lacks %q: %.600s", want, reply)
		}
	}

	// An approval card: it is posted (reading approvals works), and the
	// response names Approvals.Manage.All with the admin-consent button.
	s.watchAll(ctx, t, adele)
	title := "New laptop for the support team"
	id := s.addApproval(t, adele, title)
	card := s.waitCards(ctx, t, adele, title, 1)[0]
	s.waitCardKnown(ctx, t, adele, cardaction.ApprovalKey(faultEnv, id), card.ActivityID)
	res, err := s.Driver.CardAction(ctx, adele, card.ActivityID, cards.VerbApprovalRespond, executeData(t, card, cards.VerbApprovalRespond, "Approve"), true)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("approve without Approvals.Manage.All: %v, status %d", err, res.Status)
	}
	for _, want := range []string{"Approvals.Manage.All", `"title":"Admin consent"`, "/v2.0/adminconsent?client_id=" + demo.ClientID} {
		if !strings.Contains(string(res.Body), want) {
			t.Errorf("the approval card's answer lacks %q: %.600s", want, res.Body)
		}
	}
	wantResponses(t, s, id, adele, 0)

	// Nothing consented for Power Automate: the consent prompt (a user who
	// has no token yet).
	idp.RevokeAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource)
	a = s.tab(ctx, t, megan, http.MethodGet, "/api/flows", "")
	if a.status != http.StatusForbidden || a.err.Code != "consent_required" || !strings.HasPrefix(a.err.Detail["consent_url"], s.URL()+"/auth/start?s=") {
		t.Errorf("GET /api/flows with nothing consented = %d %+v", a.status, a.err)
	}
	tok, err := s.SSOToken(megan)
	if err != nil {
		t.Fatal(err)
	}
	if res, err = s.Driver.TokenExchange(ctx, megan, tok); err != nil || res.Status != http.StatusPreconditionFailed {
		t.Errorf("token exchange with nothing consented: %v, status %d, want 412 (Teams then shows the sign-in button)", err, res.Status)
	}
	reply = s.ask(ctx, t, megan, "flows")
	m := startURL.FindString(reply)
	if m == "" {
		t.Fatalf("bot flows with nothing consented offers no sign-in: %.600s", reply)
	}
	// The button opens Entra's consent for Power Automate's permissions.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(m)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || loc == nil || !strings.HasSuffix(loc.Path, "/oauth2/v2.0/authorize") ||
		!strings.Contains(loc.Query().Get("scope"), "https://service.flow.microsoft.com//Flows.Manage.All") {
		t.Errorf("the sign-in button leads to %d %v", resp.StatusCode, loc)
	}
}

var startURL = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/auth/start\?s=[A-Za-z0-9_-]+`)
