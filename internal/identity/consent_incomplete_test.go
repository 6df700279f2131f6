package identity

import (
	"html"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// TestIncompleteConsentPageGivesTheAdminLink: the page a user sees when
// some permissions are still missing after their consent gives the
// tenant's admin-consent link and the sentence to forward with it, never a
// bare "your administrator may need to grant consent".
func TestIncompleteConsentPageGivesTheAdminLink(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := httptest.NewRecorder()
	f.consent.incomplete(rec, demo.TenantID, []string{PowerApps, Graph})
	body := html.UnescapeString(rec.Body.String())
	link := f.consent.AdminConsentURL(demo.TenantID)
	for _, want := range []string{
		`data-result="consent_incomplete"`,
		`<a href="` + link + `"`,
		"Please grant FlowDeck its permissions for our organization (Power Apps, Microsoft Graph). Link: " + link,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<script>") {
		t.Errorf("the page has an inline script:\n%s", body)
	}
}
