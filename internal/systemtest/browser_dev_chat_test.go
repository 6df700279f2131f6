package systemtest

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// devChat drives the /dev/ chat of a running `flowdeck dev` in Chromium.
type devChat struct {
	ctx context.Context
	p   *devProcess
}

// run runs browser actions with a deadline; on failure it saves a
// screenshot (named after the test) and fails t.
func (c devChat) run(t *testing.T, what string, actions ...chromedp.Action) {
	t.Helper()
	cctx, cancel := context.WithTimeout(c.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Run(cctx, actions...); err != nil {
		shot := filepath.Join(cmp.Or(os.Getenv("FLOWDECK_BROWSER_ARTIFACTS"), os.TempDir()),
			strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".png")
		var png []byte
		sctx, scancel := context.WithTimeout(c.ctx, 10*time.Second)
		defer scancel()
		if chromedp.Run(sctx, chromedp.FullScreenshot(&png, 100)) == nil && os.WriteFile(shot, png, 0o644) == nil {
			t.Logf("screenshot: %s", shot)
		}
		t.Fatalf("%s: %v\n%s", what, err, c.p.stderr)
	}
}

// say types text into the chat's box and sends it.
func (devChat) say(text string) chromedp.Action {
	return chromedp.Tasks{chromedp.SendKeys("#text", text, chromedp.ByQuery), chromedp.Click("#say button", chromedp.ByQuery)}
}

// until waits until the JavaScript condition holds in the page. The
// condition sees chatCards, the cards in the chat now.
func (devChat) until(cond string) chromedp.Action {
	return chromedp.Poll(chatJS+`return !!(`+cond+`);})()`, nil, chromedp.WithPollingTimeout(50*time.Second))
}

// eval evaluates a JavaScript body (which sees chatCards and returns) into res.
func (devChat) eval(body string, res any) chromedp.Action {
	return chromedp.Evaluate(chatJS+body+`})()`, res)
}

// click presses, with the mouse, the element marked data-fd=mark.
func (devChat) click(mark string) chromedp.Action {
	return chromedp.Click(fmt.Sprintf(`[data-fd=%q]`, mark), chromedp.ByQuery)
}

// chatJS opens a function body with chatCards (the rendered Adaptive Cards
// of the chat) and buttons(card, title) (a card's enabled buttons titled
// title) in scope.
const chatJS = `(() => {
	const chatCards = () => [...document.querySelectorAll("#log .ac-adaptiveCard")];
	const buttons = (card, title) => card ? [...card.querySelectorAll("button")].filter(b => b.textContent.trim() === title && !b.disabled) : [];
	const botSaid = (text) => [...document.querySelectorAll("#log li.bot")].some(li => li.textContent.includes(text));
	`

// TestBrowserDevChatActions answers an approval and resubmits a flow's
// failed runs from the /dev/ chat, as a person does in `make demo`: the
// real `flowdeck dev` process, its cards rendered by the official Adaptive
// Cards renderer, every button pressed with the mouse. The monitor is kept
// quiet (one cycle a day) so the only cards are the ones asked for.
func TestBrowserDevChatActions(t *testing.T) {
	requireBrowser(t)
	p := startDev(t, buildBinary(t), "FLOWDECK_MONITOR_INTERVAL=24h")
	t.Cleanup(func() { p.stop(t) })
	c := devChat{ctx: newBrowser(t), p: p}
	c.run(t, "the welcome card renders",
		chromedp.Navigate(p.url+"/dev/"),
		c.until(`chatCards().some(c => c.textContent.includes("Welcome to FlowDeck"))`))

	// Each part runs on its own, so one failing does not hide the other.
	t.Run("approvals", func(t *testing.T) { devAnswerApproval(t, c) })
	t.Run("failed", func(t *testing.T) { devResubmitAllFailed(t, c) })

	if dir := os.Getenv("FLOWDECK_BROWSER_ARTIFACTS"); dir != "" {
		var png []byte
		if chromedp.Run(c.ctx, chromedp.FullScreenshot(&png, 100)) == nil {
			os.WriteFile(filepath.Join(dir, "TestBrowserDevChatActions-ok.png"), png, 0o644)
		}
	}
}

// devAnswerApproval: approvals → the list with an Answer button per pending
// approval → Answer → the approval's card → a comment and Approve → the
// card says the user answered Approve, with the comment.
func devAnswerApproval(t *testing.T, c devChat) {
	const list = `chatCards().find(c => c.textContent.includes("Approvals waiting for you"))`
	c.run(t, "say approvals",
		c.say("approvals"),
		c.until(`buttons(`+list+`, "Answer").length > 0`))
	// Every pending approval of the list has its Answer button.
	var counts struct{ Answers, Pending int }
	c.run(t, "count the Answer buttons", c.eval(`const l = `+list+`;
		return {answers: buttons(l, "Answer").length, pending: [...l.querySelectorAll(".ac-textBlock")].filter(b => b.textContent.trim() === "Pending").length};`, &counts))
	if counts.Answers != counts.Pending || counts.Pending < 2 {
		t.Errorf("the approvals card has %d Answer buttons for %d pending approvals; want one each, and the demo user has at least 2", counts.Answers, counts.Pending)
	}

	// Answer the approval `flowdeck dev` sent (Approve or Reject): the
	// button of the row whose bold title is it.
	title := localcloud.DemoApprovalTitle
	var marked bool
	c.run(t, "find the approval's Answer button", c.eval(fmt.Sprintf(`const b = buttons(%s, "Answer").find(b => {
			let row = b; while (row && !row.querySelector("strong")) row = row.parentElement;
			return row && row.querySelector("strong").textContent.trim() === %q; });
		if (b) b.dataset.fd = "answer";
		return !!b;`, list, title), &marked))
	if !marked {
		t.Fatalf("the approvals card has no Answer button on %q", title)
	}
	card := fmt.Sprintf(`chatCards().find(c => c.textContent.includes("Approval request") && c.textContent.includes(%q))`, title)
	c.run(t, "press Answer",
		c.click("answer"),
		c.until(card+` && `+card+`.querySelector("textarea") && buttons(`+card+`, "Approve").length === 1`),
		c.until(`botSaid("The approval's card is below")`))

	const comment = "Ship them to Building 4 before Monday"
	c.run(t, "comment and approve",
		c.eval(`const a = `+card+`; a.querySelector("textarea").id = "fd-comment"; buttons(a, "Approve")[0].dataset.fd = "approve"; return true;`, nil),
		chromedp.SendKeys("#fd-comment", comment, chromedp.ByQuery),
		c.click("approve"),
		c.until(fmt.Sprintf(`(a => a && !a.querySelector("textarea") && /You answered\s*Approve/.test(a.textContent) && a.textContent.includes(%q))(%s)`, comment, card)))
}

// devResubmitAllFailed: failed → the failures card with "Resubmit all N
// failed" on a flow with more than 4 failed runs (more than one round of
// the bulk workers: done in the background) → the confirmation card →
// confirm → the card counts up ("k of N done") and ends with every run's
// result.
func devResubmitAllFailed(t *testing.T, c devChat) {
	const failures = `chatCards().find(c => [...c.querySelectorAll("button")].some(b => /^Resubmit all \d+ failed$/.test(b.textContent.trim())))`
	c.run(t, "say failed",
		c.say("failed"),
		c.until(failures))
	// The flow with the most failed runs.
	var n int
	c.run(t, "find the biggest Resubmit all button", c.eval(`let best = null, most = 0;
		for (const b of `+failures+`.querySelectorAll("button")) {
			const m = /^Resubmit all (\d+) failed$/.exec(b.textContent.trim());
			if (m && Number(m[1]) > most) { best = b; most = Number(m[1]); }
		}
		best.dataset.fd = "all";
		return most;`, &n))
	if n <= 4 {
		t.Fatalf("no demo flow has more than 4 failed runs (the most is %d): the background resubmit with progress is not shown", n)
	}

	// Record every "k of N done" the chat shows (a card and its holder both
	// arrive, so repeats are dropped): the progress card can be replaced
	// before a poll sees it, never before the observer does.
	var observing bool
	c.run(t, "watch the chat", chromedp.Evaluate(fmt.Sprintf(`(() => {
		window.fdProgress = [];
		const re = /(\d+) of %d done/;
		new MutationObserver(records => {
			for (const r of records) for (const node of r.addedNodes) {
				const m = re.exec(node.textContent || "");
				if (m && window.fdProgress.at(-1) !== Number(m[1])) window.fdProgress.push(Number(m[1]));
			}
		}).observe(document.getElementById("log"), {childList: true, subtree: true});
		return true; })()`, n), &observing))

	confirm := fmt.Sprintf(`chatCards().find(c => c.textContent.includes("Resubmit %d runs?"))`, n)
	c.run(t, "press Resubmit all",
		c.click("all"),
		c.until(fmt.Sprintf(`buttons(%s, "Resubmit %d runs").length === 1`, confirm, n)))
	c.run(t, "confirm",
		c.eval(fmt.Sprintf(`buttons(%s, "Resubmit %d runs")[0].dataset.fd = "confirm"; return true;`, confirm, n), nil),
		c.click("confirm"),
		c.until(fmt.Sprintf(`chatCards().some(c => c.textContent.includes("%d of %d runs resubmitted"))`, n, n)))

	var result struct {
		Rows     int
		Progress []int
	}
	c.run(t, "read the result", c.eval(fmt.Sprintf(`const r = chatCards().find(c => c.textContent.includes("%d of %d runs resubmitted"));
		return {rows: [...r.querySelectorAll(".ac-textBlock")].filter(b => /^[✅❌]/.test(b.textContent.trim())).length, progress: window.fdProgress};`, n, n), &result))
	if result.Rows != n {
		t.Errorf("the result card lists %d runs; want every one of the %d", result.Rows, n)
	}
	if len(result.Progress) == 0 {
		t.Errorf("the card never showed the progress (\"k of %d done\") before the result", n)
	}
	for i, k := range result.Progress {
		if k < 0 || k >= n || (i > 0 && k < result.Progress[i-1]) {
			t.Errorf("the progress went %v; want counting up from 0 below %d", result.Progress, n)
			break
		}
	}
	t.Logf("progress seen: %v of %d", result.Progress, n)
}
