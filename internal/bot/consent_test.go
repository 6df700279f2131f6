package bot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// TestAdminConsentRequired: a tenant whose users cannot consent (the fake
// Entra ID answers AADSTS90094). The sign-in through Teams SSO fails with
// 412 and the chat gets the card with the tenant's admin-consent link and
// the sentence to forward; a card action carrying the SSO token answers
// with the same card instead of a 412 whose sign-in button would end at a
// refusing consent page. Once the administrator granted consent, the same
// sign-in works.
func TestAdminConsentRequired(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	megan := demo.Users()[1]
	ctx := waitCtx(t)
	cid := w.drv.ConversationID(megan)
	idp := w.cloud.Entra
	idp.RevokeAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource)
	idp.RequireAdminConsent(demo.TenantID, true)

	adminLink := idp.URL() + "/" + demo.TenantID + "/v2.0/adminconsent?client_id=" + demo.ClientID
	wantAdminCard := func(what, text string) {
		t.Helper()
		for _, want := range []string{
			`"title":"Admin consent"`, `"url":"` + adminLink,
			"Only an administrator can grant this in your organization",
			"Please grant FlowDeck these permissions for our organization: Flows.Read.All, Flows.Manage.All",
			"(Power Automate). Link: " + adminLink,
			`"fontType":"Monospace"`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q: %.1500s", what, want, text)
			}
		}
		if strings.Contains(text, "/auth/start") || strings.Contains(text, `"title":"Give consent"`) {
			t.Errorf("%s offers the user's own consent, which the tenant refuses: %.1500s", what, text)
		}
	}

	n := len(w.conn.Records(cid))
	res, err := w.drv.TokenExchange(ctx, megan, w.sso(t, megan))
	must(t, err)
	if res.Status != http.StatusPreconditionFailed {
		t.Fatalf("exchange in an admin-only tenant: %d %s", res.Status, res.Body)
	}
	r := w.next(t, cid, n)
	wantAdminCard("the card after the failed sign-in", content(r))

	card, text := cardOf(t, w.invoke(t, megan, r.ActivityID, cards.VerbSignIn, nil, w.sso(t, megan)))
	if card == nil {
		t.Fatalf("Sign in with an SSO token in an admin-only tenant: %s", text)
	}
	wantAdminCard("the card action's answer", text)

	// The administrator grants consent: the same sign-in now works.
	idp.GrantAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource, ".default")
	w.signIn(t, megan)
}
