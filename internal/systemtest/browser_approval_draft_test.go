package systemtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// TestBrowserApprovalDraftKept: what an approver typed for a pending approval
// survives Refresh (focus and caret stay put, nothing clickable moves while
// the reload lands) and answering sends it; an approval answered elsewhere in
// the meantime (another approver was first) stays where it was, its draft
// shown read-only with what happened, a copy button and Discard. A reload of
// the tab keeps both drafts (sessionStorage, the text alone).
func TestBrowserApprovalDraftKept(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	users := demo.UsersOf(demo.TenantID)
	me, other := users[0], users[1]
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()
	env := tenant.Environments[0].Name
	add := func(title string) string {
		t.Helper()
		id, err := f.pp.AddApproval(powerplatform.Approval{Environment: env, Title: title, OwnerID: other.ID, Approvers: []string{me.ID, other.ID}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Listed newest first: the kept one above the one answered elsewhere.
	gone := add("Order more paper")
	keep := add("Pay invoice 42")
	sel := func(id string) string { return fmt.Sprintf(`[data-approval=%q]`, id) }
	card := func(id string) string { return `d.querySelector('` + sel(id) + `')` }
	area := func(id string) string { return card(id) + `?.querySelector("textarea")` }
	const typedKeep, typedGone = "Looks fine, ship it", "Wait for the budget"
	ready := fmt.Sprintf(`return !!%s && !!%s && !d.querySelector('[data-approval] .fui-Spinner');`, area(keep), area(gone))

	f.run(t, "open received approvals", f.open(""), dashboardLoaded, goTab("#/approvals", ready), waitTab(settled))
	typeInto := func(id, text string) chromedp.Action {
		return chromedp.Tasks{
			evalTab(fmt.Sprintf(`%s.focus(); return true;`, area(id)), nil),
			chromedp.KeyEvent(text),
			waitTab(fmt.Sprintf(`return %s.value === %q;`, area(id), text)),
		}
	}
	f.run(t, "type two comments", typeInto(gone, typedGone), typeInto(keep, typedKeep))

	var stored map[string]map[string]any
	var raw string
	f.run(t, "read the kept drafts", evalTab(`return w.sessionStorage.getItem("flowdeck.approvalDrafts") || "";`, &raw))
	if err := json.Unmarshal([]byte(raw), &stored); err != nil {
		t.Fatalf("sessionStorage drafts %q: %v", raw, err)
	}
	want := map[string]string{env + "/" + keep: typedKeep, env + "/" + gone: typedGone}
	if len(stored) != len(want) {
		t.Errorf("sessionStorage holds %q, want the two drafts", raw)
	}
	for k, d := range stored {
		if len(d) != 1 || d["comments"] != want[k] {
			t.Errorf("sessionStorage draft %s = %v, want only its comment %q", k, d, want[k])
		}
	}

	// The other approver answers first (Basic: first to respond completes it).
	if err := f.pp.RespondElsewhere(gone, other.ID, "Approve", "done"); err != nil {
		t.Fatal(err)
	}
	hold := make(chan struct{})
	release := sync.OnceFunc(func() { close(hold) })
	t.Cleanup(release)
	f.pp.SetFault(powerplatform.RouteApprovalsList, powerplatform.Fault{Hold: hold})
	// clickables is where the Refresh button and every control of the cards
	// above the gone one are.
	clickables := fmt.Sprintf(`const g = %s; return [...d.querySelectorAll('[data-testid="freshness"] button, [data-approval] button, [data-approval] textarea')]
	.filter(e => !(g.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING) && !g.contains(e))
	.map(e => { const r = e.getBoundingClientRect(); return e.tagName + ":" + (e.tagName === "TEXTAREA" ? "" : e.textContent.trim()) + "@" + r.left + "," + r.top + "," + r.width + "," + r.height; }).join(" | ");`, card(gone))
	var above bool
	f.run(t, "order", evalTab(fmt.Sprintf(`return !!(%s.compareDocumentPosition(%s) & Node.DOCUMENT_POSITION_FOLLOWING);`, card(keep), card(gone)), &above))
	if !above {
		t.Fatal("the approval to keep is not listed above the one answered elsewhere")
	}
	var before, after float64
	var atStart, atEnd string
	f.run(t, "refresh, held", evalTab(fetchedAt, &before), clickText("button", "Refresh"),
		waitTab(`return !!d.querySelector('[data-testid="freshness"] .fui-Spinner');`), evalTab(clickables, &atStart))
	// Back to typing while the reload is on its way: the caret after "Looks".
	f.run(t, "type while it loads",
		evalTab(fmt.Sprintf(`const ta = %s; ta.focus(); ta.setSelectionRange(5, 5); return true;`, area(keep)), nil),
		chromedp.KeyEvent(" really"))
	release()
	typed := "Looks really fine, ship it"
	var state struct {
		Value         string
		Focused       bool
		Caret, Select float64
	}
	f.run(t, "the reload lands",
		waitTab(fmt.Sprintf(`const u = d.querySelector('[data-testid="updated"]'); return !!u && Number(u.dataset.fetchedAt) > %f;`, before)),
		waitTab(fmt.Sprintf(`const c = %s; return !!c && c.hasAttribute("data-gone") && /Answered elsewhere — Approve/.test(c.textContent);`, card(gone))),
		waitTab(settled), evalTab(fetchedAt, &after), evalTab(clickables, &atEnd),
		evalTab(fmt.Sprintf(`const ta = %s; return {Value: ta.value, Focused: d.activeElement === ta, Caret: ta.selectionStart, Select: ta.selectionEnd};`, area(keep)), &state))
	if state.Value != typed || !state.Focused || state.Caret != 12 || state.Select != 12 {
		t.Errorf("after the reload the comment box holds %q (focused %v, caret %v–%v); want %q, focused, caret at 12",
			state.Value, state.Focused, state.Caret, state.Select, typed)
	}
	if atStart != atEnd {
		f.screenshot(t, "layout")
		t.Errorf("clickable elements moved when the reload landed:\n before: %s\n after:  %s", atStart, atEnd)
	}
	var goneCard struct {
		Value    string
		ReadOnly bool
		Message  string
		Buttons  []string
	}
	readGone := evalTab(fmt.Sprintf(`const c = %s, ta = c.querySelector("textarea");
		return {Value: ta.value, ReadOnly: ta.readOnly, Message: c.querySelector('[data-gone-message]').textContent,
			Buttons: [...c.querySelectorAll("button")].map(b => b.textContent.trim())};`, card(gone)), &goneCard)
	f.run(t, "read the approval answered elsewhere", readGone)
	if goneCard.Value != typedGone || !goneCard.ReadOnly || !strings.HasPrefix(goneCard.Message, "Answered elsewhere — Approve (") ||
		strings.Join(goneCard.Buttons, "|") != "Copy comment|Discard" {
		t.Errorf("the approval answered elsewhere shows %+v", goneCard)
	}
	f.run(t, "copy", clickText(sel(gone)+" button", "Copy comment"),
		waitTab(fmt.Sprintf(`return /^(Comment copied\.|Selected: press Ctrl\+C)/.test(%s.querySelector('[aria-live]').textContent);`, card(gone))))

	// A reload of the tab (here: each theme at 360 px) keeps both drafts.
	src := webModule(t, "axe-core/axe.min.js")
	f.run(t, "phone-sized window", emulation.SetDeviceMetricsOverride(360, 740, 1, true))
	for _, theme := range []string{"default", "dark", "contrast"} {
		t.Run("360px/"+theme, func(t *testing.T) {
			f.run(t, "open", f.open("?theme="+theme), dashboardLoaded,
				goTab("#/approvals", fmt.Sprintf(`const g = %s; return !!g && g.hasAttribute("data-gone") && /Answered elsewhere — Approve/.test(g.textContent)
 && !!%s && %s.value === %q;`, card(gone), area(keep), area(keep), typed)), waitTab(settled))
			f.checkView(t, src)
			f.run(t, "read the approval answered elsewhere", readGone)
			if goneCard.Value != typedGone || !goneCard.ReadOnly {
				t.Errorf("after reopening the tab the approval answered elsewhere shows %+v", goneCard)
			}
		})
	}
	f.run(t, "full-sized window", emulation.ClearDeviceMetricsOverride())

	f.run(t, "answer with the kept comment", clickText(sel(keep)+" button", "Approve"),
		waitTab(fmt.Sprintf(`const c = %s; return !!c && !c.querySelector("textarea");`, card(keep))))
	a, err := f.pp.Approval(keep)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Responses) != 1 || a.Responses[0].UserID != me.ID || a.Responses[0].Response != "Approve" || a.Responses[0].Comments != typed {
		t.Fatalf("the fake holds %d responses: %+v; want Approve with %q", len(a.Responses), a.Responses, typed)
	}
	f.run(t, "discard the other draft", clickText(sel(gone)+" button", "Discard"),
		waitTab(fmt.Sprintf(`return !%s;`, card(gone))),
		evalTab(`return w.sessionStorage.getItem("flowdeck.approvalDrafts") || "";`, &raw))
	if raw != "" {
		t.Errorf("after answering one and discarding the other, sessionStorage still holds %q", raw)
	}

	// An "everyone must approve" approval answered here says so, before and
	// after the next Refresh (the answer sent is newer than the answers read
	// before it).
	all, err := f.pp.AddApproval(powerplatform.Approval{Environment: env, Title: "Everyone signs", Type: powerplatform.ApprovalBasicAwaitAll,
		OwnerID: other.ID, Approvers: []string{me.ID, other.ID}})
	if err != nil {
		t.Fatal(err)
	}
	answered := fmt.Sprintf(`const c = %s; return !!c && c.querySelector('[data-answered]')?.getAttribute("data-answered") === "Approve" && !c.querySelector("textarea");`, card(all))
	f.run(t, "answer an everyone-must-approve approval", evalTab(fetchedAt, &before), clickText("button", "Refresh"),
		waitTab(fmt.Sprintf(`return !!%s;`, area(all))), typeInto(all, "not yet"), clickText(sel(all)+" button", "Approve"),
		waitTab(answered), evalTab(fetchedAt, &before), clickText("button", "Refresh"),
		waitTab(fmt.Sprintf(`const u = d.querySelector('[data-testid="updated"]'); return !!u && Number(u.dataset.fetchedAt) > %f;`, before)),
		waitTab(settled), waitTab(answered))
}
