package systemtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// TestBrowserApprovalAnsweredMeanwhile: an approver types a comment and
// presses Approve after another approver completed the approval: nothing is
// sent, the card says at once (no Refresh) that it was answered elsewhere
// and still shows the comment, read-only.
func TestBrowserApprovalAnsweredMeanwhile(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	users := demo.UsersOf(demo.TenantID)
	me, other := users[0], users[1]
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()
	env := tenant.Environments[0].Name
	id, err := f.pp.AddApproval(powerplatform.Approval{Environment: env, Title: "Order more paper", OwnerID: other.ID, Approvers: []string{me.ID, other.ID}})
	if err != nil {
		t.Fatal(err)
	}
	card := fmt.Sprintf(`d.querySelector('[data-approval=%q]')`, id)
	area := card + `?.querySelector("textarea")`
	const typed = "Wait for the budget"
	f.run(t, "open received approvals", f.open(""), dashboardLoaded,
		goTab("#/approvals", fmt.Sprintf(`return !!%s && !d.querySelector('[data-approval] .fui-Spinner');`, area)), waitTab(settled),
		evalTab(fmt.Sprintf(`%s.focus(); return true;`, area), nil), chromedp.KeyEvent(typed),
		waitTab(fmt.Sprintf(`return %s.value === %q;`, area, typed)))

	if err := f.pp.RespondElsewhere(id, other.ID, "Reject", "too late"); err != nil {
		t.Fatal(err)
	}
	var shown struct {
		Value    string
		ReadOnly bool
		Message  string
	}
	f.run(t, "approve, too late", clickText(fmt.Sprintf(`[data-approval=%q] button`, id), "Approve"),
		waitTab(fmt.Sprintf(`const c = %s; return !!c && c.hasAttribute("data-gone") && /Answered elsewhere — Reject/.test(c.textContent);`, card)),
		evalTab(fmt.Sprintf(`const c = %s, ta = c.querySelector("textarea");
		return {Value: ta.value, ReadOnly: ta.readOnly, Message: c.querySelector('[data-gone-message]').textContent};`, card), &shown))
	if shown.Value != typed || !shown.ReadOnly {
		t.Errorf("the approval answered meanwhile shows %+v; want the comment %q, read-only", shown, typed)
	}
	a, err := f.pp.Approval(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range a.Responses {
		if r.UserID == me.ID {
			t.Fatalf("the fake holds a response of the approver who came too late: %+v", r)
		}
	}
}
