package systemtest

import (
	"fmt"
	"strings"
	"testing"
)

// TestBrowserRespondToApproval answers a pending approval from the tab's
// approvals page with a comment; the fake Power Platform holds exactly that
// answer and the card shows it, the comment rendered as text.
func TestBrowserRespondToApproval(t *testing.T) {
	f := newBrowserFixture(t, nil)
	f.entra.GrantAllDemoConsent()
	var id string
	f.run(t, "open the approvals page", f.open(""), dashboardLoaded,
		evalTab(`w.location.hash = "#/approvals"; return true;`, nil),
		waitTab(`return !!d.querySelector('[data-approval] textarea');`),
		evalTab(`return d.querySelector('[data-approval] textarea').closest('[data-approval]').getAttribute("data-approval");`, &id))
	card := fmt.Sprintf(`[data-approval=%q]`, id)
	const comment = "Looks good <b>to me</b>"
	var option string
	f.run(t, "write a comment",
		evalTab(fmt.Sprintf(`const ta = d.querySelector(%q);
			const set = Object.getOwnPropertyDescriptor(w.HTMLTextAreaElement.prototype, "value").set;
			set.call(ta, %q);
			ta.dispatchEvent(new w.Event("input", {bubbles: true}));
			return [...d.querySelectorAll(%q)].map(b => b.textContent.trim())[0];`, card+" textarea", comment, card+" button"), &option))
	f.run(t, "answer",
		clickText(card+" button", option),
		waitTab(fmt.Sprintf(`const c = d.querySelector(%q); return !!c && !c.querySelector("textarea") && c.textContent.includes(%q);`, card, comment)))
	a, err := f.pp.Approval(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Responses) != 1 || a.Responses[0].Response != option || a.Responses[0].Comments != comment {
		t.Fatalf("the fake holds %d responses: %+v", len(a.Responses), a.Responses)
	}
	var bold int
	f.run(t, "the comment is text", evalTab(fmt.Sprintf(`return d.querySelectorAll(%q).length;`, card+" b"), &bold))
	if bold != 0 || !strings.Contains(comment, "<b>") {
		t.Errorf("the comment's markup was rendered as HTML (%d <b> elements)", bold)
	}
}
