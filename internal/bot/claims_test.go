package bot_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

var startURL = regexp.MustCompile(`https?://[^"]+/auth/start\?s=[A-Za-z0-9_-]+`)

// TestSignInCardCarriesClaims: when Entra answers the SSO exchange with an
// MFA claims challenge (AADSTS50076), the exchange fails with 412 and the
// sign-in card the bot then sends opens a sign-in whose authorize request
// carries that challenge, so the user can satisfy MFA and come back.
func TestSignInCardCarriesClaims(t *testing.T) {
	w := newWorld(t, worldOptions{})
	megan := demo.Users()[1]
	w.cloud.Entra.RequireMFA(demo.TenantID, megan.ID, entra.FlowResource)

	res, err := w.drv.TokenExchange(waitCtx(t), megan, w.sso(t, megan))
	must(t, err)
	if res.Status != http.StatusPreconditionFailed {
		t.Fatalf("exchange under an MFA policy: %d %s, want 412", res.Status, res.Body)
	}
	r := w.ask(t, megan, "flows")
	u := startURL.FindString(content(r))
	if contentType(r) != cards.OAuthContentType || u == "" {
		t.Fatalf("flows without MFA: %s %s, want the OAuth card", contentType(r), content(r))
	}
	c := w.cloud.Entra.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(u)
	must(t, err)
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || !strings.Contains(loc.Query().Get("claims"), "capolids") {
		t.Fatalf("the card's sign-in → %d %q: the authorize request lacks the claims challenge", resp.StatusCode, resp.Header.Get("Location"))
	}
}
