package systemtest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// TestPartialConsentCardActionButton: Adele's consent to Power Automate is
// withdrawn while her approval card is open. Her Approve reaches Power
// Automate with the token FlowDeck still holds, which is refused (401);
// renewing it, Entra answers consent_required. The card action answers with
// the error card and its Give consent button to FlowDeck's consent page
// (identity writes the link under flowdeck.DetailConsentURL; the card used
// to read another key and dropped the button).
func TestPartialConsentCardActionButton(t *testing.T) {
	s := newStack(t, localcloud.StackOptions{Config: faultConfig(t, ""), Tenant: faultTenant()})
	ctx := faultCtx(t)
	adele := demo.Users()[0]
	s.signIn(ctx, t, adele)
	s.watchAll(ctx, t, adele)
	title := "Conference tickets for the sales team"
	id := s.addApproval(t, adele, title)
	card := s.waitCards(ctx, t, adele, title, 1)[0]
	s.waitCardKnown(ctx, t, adele, cardaction.ApprovalKey(faultEnv, id), card.ActivityID)

	idp := s.Cloud.Entra
	idp.RevokeAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource)
	idp.RevokeConsent(demo.TenantID, adele.ID, demo.ClientID, entra.FlowResource)
	s.Cloud.PowerPlatform.SetFault(powerplatform.RouteApprovalsRespond, powerplatform.Fault{Status: http.StatusUnauthorized, Times: 1,
		Code: "InvalidAuthenticationToken", Message: "The access token is invalid."})
	res, err := s.Driver.CardAction(ctx, adele, card.ActivityID, cards.VerbApprovalRespond, executeData(t, card, cards.VerbApprovalRespond, "Approve"), true)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("approve after consent was withdrawn: %v, status %d", err, res.Status)
	}
	body := string(res.Body)
	for _, want := range []string{`"title":"Give consent"`, s.URL() + "/auth/start?s=", "Give consent, then try again.", "consent_required"} {
		if !strings.Contains(body, want) {
			t.Errorf("the card action's error card lacks %q: %.900s", want, body)
		}
	}
	if strings.Contains(body, "Ask your administrator to grant FlowDeck consent") {
		t.Errorf("the card action's error card lost its consent link: %.900s", body)
	}
	wantResponses(t, s, id, adele, 0)
}

// TestPartialConsentAdminOnlyTenant: a tenant whose users cannot consent
// (the fake Entra ID answers AADSTS90094, as Entra does when user consent
// is off). The tab's JSON error, the bot's card and a card action all give
// the tenant's admin-consent link and the sentence to forward to the
// administrator, never the user's own consent page (which Entra would
// refuse); once the administrator granted consent, everything works.
func TestPartialConsentAdminOnlyTenant(t *testing.T) {
	s := newStack(t, localcloud.StackOptions{Config: faultConfig(t, ""), Tenant: faultTenant()})
	ctx := faultCtx(t)
	idp := s.Cloud.Entra
	idp.RevokeAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource)
	idp.RequireAdminConsent(demo.TenantID, true)
	megan := demo.Users()[1]
	adminLink := idp.URL() + "/" + demo.TenantID + "/v2.0/adminconsent?client_id=" + demo.ClientID
	sentence := "Please grant FlowDeck these permissions for our organization: "

	// The tab: the JSON error carries the admin link under its one key.
	a := s.tab(ctx, t, megan, http.MethodGet, "/api/flows", "")
	if a.status != http.StatusForbidden || a.err.Code != "consent_required" || a.err.Detail[flowdeck.DetailAdminRequired] != "true" ||
		!strings.HasPrefix(a.err.Detail[flowdeck.DetailAdminConsentURL], adminLink) || a.err.Detail[flowdeck.DetailConsentURL] != "" {
		t.Errorf("GET /api/flows in an admin-only tenant = %d %+v", a.status, a.err)
	}

	wantAdminCard := func(what, text string) {
		t.Helper()
		for _, want := range []string{`"title":"Admin consent"`, adminLink, sentence, "Flows.Manage.All", "(Power Automate). Link: " + adminLink} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q: %.1500s", what, want, text)
			}
		}
		if strings.Contains(text, "/auth/start") {
			t.Errorf("%s offers the user's own consent page, which the tenant refuses: %.1500s", what, text)
		}
	}

	// The bot: Teams SSO fails (412) and the chat gets the admin card.
	tok, err := s.SSOToken(megan)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Driver.TokenExchange(ctx, megan, tok)
	if err != nil || res.Status != http.StatusPreconditionFailed {
		t.Fatalf("token exchange in an admin-only tenant: %v, status %d", err, res.Status)
	}
	card := s.waitCards(ctx, t, megan, "Admin consent", 1)[0]
	wantAdminCard("the bot's card after the failed sign-in", string(card.Raw))

	// A card action repeated with the SSO token (Teams after a loginRequest).
	act := s.Driver.Activity(megan, "invoke")
	act["name"], act["replyToId"] = "adaptiveCard/action", card.ActivityID
	act["value"] = map[string]any{"trigger": "manual", "action": map[string]any{"type": "Action.Execute", "verb": cards.VerbSignIn},
		"authentication": map[string]any{"id": "8769-xyz", "connectionName": "sso", "token": tok}}
	res, err = s.Driver.Send(ctx, act)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("Sign in button with the SSO token: %v, status %d", err, res.Status)
	}
	wantAdminCard("the card action's answer", string(res.Body))

	// The administrator grants consent: the tab works.
	idp.GrantAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource, ".default")
	if a := s.tab(ctx, t, megan, http.MethodGet, "/api/flows", ""); a.status != http.StatusOK {
		t.Errorf("GET /api/flows after admin consent = %d %.300s", a.status, a.body)
	}
}
