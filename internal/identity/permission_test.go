package identity

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func scpOf(t *testing.T, tok string) string {
	t.Helper()
	c := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, c); err != nil {
		t.Fatal(err)
	}
	s, _ := c["scp"].(string)
	return s
}

// TestPartialConsentStillGivesAToken: a tenant that granted only
// Flows.Read.All gets a Power Automate token carrying that permission (OBO
// asks .default), while a resource with nothing consented is
// ErrConsentRequired with a consent URL.
func TestPartialConsentStillGivesAToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.idp.GrantAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource, "Flows.Read.All")
	ctx := f.sso(t, adele, false)
	if scp := scpOf(t, f.token(t, ctx, f.broker, adele, Flow)); scp != "Flows.Read.All" {
		t.Errorf("scp = %q, want the consented Flows.Read.All", scp)
	}
	_, err := f.broker.Token(ctx, principal(adele), PowerApps)
	fe := asError(t, err, flowdeck.ErrConsentRequired)
	if fe.Detail["aadsts"] != "65001" || !strings.HasPrefix(fe.Detail["consent_url"], f.web.URL+"/auth/start?s=") {
		t.Errorf("nothing consented: detail = %v", fe.Detail)
	}
}

// TestPermissionURLAsksThatPermission: the interactive consent for a missing
// permission asks it alone (double-slash form, prompt=consent), and once
// accepted the stored token carries it beside what the tenant had granted.
func TestPermissionURLAsksThatPermission(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.idp.GrantAdminConsent(demo.TenantID, demo.ClientID, entra.FlowResource, "Flows.Read.All")
	start, err := f.consent.PermissionURL(principal(adele), adele.UPN, Flow, "Flows.Manage.All")
	if err != nil {
		t.Fatal(err)
	}
	c := f.browser()
	p := get(t, c, start)
	loc, _ := url.Parse(p.location)
	if q := loc.Query(); q.Get("scope") != "https://service.flow.microsoft.com//Flows.Manage.All openid profile offline_access" || q.Get("prompt") != "consent" {
		t.Errorf("authorize scope %q prompt %q", q.Get("scope"), q.Get("prompt"))
	}
	start, _ = f.consent.PermissionURL(principal(adele), adele.UPN, Flow, "Flows.Manage.All")
	if pg := f.signIn(t, f.browser(), start, adele, "accept", nil); !strings.Contains(pg.body, `data-result="signed_in"`) {
		t.Fatalf("end page: %d %s", pg.status, pg.body)
	}
	dt, ok := f.stored(t, adele, Flow)
	if !ok {
		t.Fatal("no Flow token stored")
	}
	if scp := scpOf(t, dt.AccessToken); scp != "Flows.Manage.All Flows.Read.All" {
		t.Errorf("scp = %q, want the granted and the tenant's permission", scp)
	}
	if _, err := f.consent.PermissionURL(principal(adele), "", Flow, "Directory.ReadWrite.All"); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("a permission FlowDeck does not ask: %v", err)
	}
	if _, err := f.consent.PermissionURL(principal(adele), "", "arm", "user_impersonation"); !errors.Is(err, flowdeck.ErrInvalid) {
		t.Errorf("an unknown audience: %v", err)
	}
}

// TestExplainMissingPermission: Power Platform's 403 for a missing
// permission becomes a sentence naming it and the service, with the
// tenant's admin-consent link and a link asking the user for it; every
// other error is left alone.
func TestExplainMissingPermission(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	forbidden := &flowdeck.Error{Kind: flowdeck.ErrForbidden, Message: "x", Detail: map[string]string{"scope": "Flows.Manage.All", "status": "403"}}
	err := f.consent.ExplainMissingPermission(principal(adele), forbidden)
	var fe *flowdeck.Error
	if !errors.As(err, &fe) || !errors.Is(err, flowdeck.ErrForbidden) {
		t.Fatalf("err = %v", err)
	}
	want := "FlowDeck is missing the Flows.Manage.All permission for Power Automate, so it cannot do this. Ask your administrator to grant it to FlowDeck for your organization with the admin-consent link."
	if fe.Message != want {
		t.Errorf("message = %q", fe.Message)
	}
	admin, _ := url.Parse(fe.Detail["admin_consent_url"])
	if admin == nil || admin.Path != "/"+demo.TenantID+"/v2.0/adminconsent" || admin.Query().Get("client_id") != demo.ClientID ||
		!strings.Contains(admin.Query().Get("scope"), "https://service.flow.microsoft.com//.default") {
		t.Errorf("admin_consent_url = %q", fe.Detail["admin_consent_url"])
	}
	if !strings.HasPrefix(fe.Detail["consent_url"], f.web.URL+"/auth/start?s=") || fe.Detail["permission"] != "Flows.Manage.All" || fe.Detail["audience"] != Flow {
		t.Errorf("detail = %v", fe.Detail)
	}
	if forbidden.Message != "x" || forbidden.Detail["admin_consent_url"] != "" {
		t.Error("the original error was changed")
	}
	for _, other := range []error{
		&flowdeck.Error{Kind: flowdeck.ErrForbidden, Message: "no access", Detail: map[string]string{}},
		&flowdeck.Error{Kind: flowdeck.ErrNotFound, Message: "gone", Detail: map[string]string{"scope": "Flows.Manage.All"}},
		&flowdeck.Error{Kind: flowdeck.ErrForbidden, Message: "odd", Detail: map[string]string{"scope": "Sites.Read.All"}},
		errors.New("plain"),
	} {
		if got := f.consent.ExplainMissingPermission(principal(adele), other); got != other {
			t.Errorf("%v was changed to %v", other, got)
		}
	}
}
