package cardaction_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// TestRefusedTwiceAsksToSignInAgain: Power Automate refuses the approver's
// token and the fresh one too. Pressing Approve answers with a card that
// says why and offers Sign in; each read was tried exactly twice and no
// response was sent.
func TestRefusedTwiceAsksToSignInAgain(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	a := f.pending(t)[0]
	id, err := f.h.PostApproval(t.Context(), f.personal(adele), a, nil)
	check(t, err)

	f.cloud.PP.RevokeTokensIssuedBefore(adele.TenantID, adele.ID, time.Now().Add(time.Hour))
	f.cloud.PP.ResetRequests()
	ans := f.act(t, adele, id, cards.VerbApprovalRespond, approvalData(a, a.Options[0], ""), false)
	wantCard(t, ans, "did not accept your sign-in", "sign in again", `"verb":"signin"`)
	seen := map[string]int{}
	for _, r := range f.cloud.PP.Requests() {
		if r.Status != http.StatusUnauthorized {
			t.Errorf("%s was answered %d, want 401", r.Route, r.Status)
		}
		seen[r.Route]++
	}
	if seen[powerplatform.RouteApprovalsRespond] != 0 {
		t.Errorf("FlowDeck tried to respond with a refused token: %v", seen)
	}
	for route, n := range seen {
		if n != 2 {
			t.Errorf("%s: %d attempts, want 2 (the token, then a fresh one)", route, n)
		}
	}

	f.cloud.PP.ClearRevocations()
	if after := f.pending(t); len(after) == 0 || after[0].ID != a.ID {
		t.Error("the refused response was recorded")
	}
	if strings.Contains(ans.text(), "eyJ") {
		t.Error("the answer holds a token")
	}
}
