package systemtest

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// TestBrowserDevTeamsClient is `make demo` as a person meets it: the real
// `flowdeck dev` process, /dev/ in Chromium. The bot's welcome card renders
// with the official Adaptive Cards renderer; saying "failed" brings the
// failures card; the monitor posts a new approval, answered from its card;
// the tab beside the chat shows the dashboard.
func TestBrowserDevTeamsClient(t *testing.T) {
	requireBrowser(t)
	p := startDev(t, buildBinary(t), "FLOWDECK_MONITOR_INTERVAL=30s")
	t.Cleanup(func() { p.stop(t) })
	ctx := newBrowser(t)
	page := func(what string, actions ...chromedp.Action) {
		t.Helper()
		cctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		if err := chromedp.Run(cctx, actions...); err != nil {
			shot := filepath.Join(cmp.Or(os.Getenv("FLOWDECK_BROWSER_ARTIFACTS"), os.TempDir()), "TestBrowserDevTeamsClient.png")
			var png []byte
			if chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)) == nil && os.WriteFile(shot, png, 0o644) == nil {
				t.Logf("screenshot: %s", shot)
			}
			t.Fatalf("%s: %v\n%s", what, err, p.stderr)
		}
	}
	// poll waits until the JavaScript condition holds in the page.
	poll := func(cond string) chromedp.Action {
		return chromedp.Poll(cond, nil, chromedp.WithPollingTimeout(40*time.Second))
	}
	const log = `document.getElementById("log")`
	page("the welcome card renders",
		chromedp.Navigate(p.url+"/dev/"),
		poll(log+`.querySelector(".ac-adaptiveCard") && `+log+`.textContent.includes("Welcome to FlowDeck")`))
	page("say failed",
		chromedp.SendKeys("#text", "failed"),
		chromedp.Click("#say button"),
		poll(fmt.Sprintf(`[...%s.querySelectorAll(".ac-adaptiveCard")].some(c => /fail/i.test(c.textContent) && !c.textContent.includes("Welcome"))`, log)))
	// The monitor's first cycle (30 s after start here) posts the demo
	// approval; Approve on its card answers it and the card says so.
	approvalCard := fmt.Sprintf(`[...%s.querySelectorAll(".ac-adaptiveCard")].find(c => c.textContent.includes(%q))`, log, localcloud.DemoApprovalTitle)
	page("the monitor posts the approval card",
		chromedp.Poll(approvalCard+` && `+approvalCard+`.querySelector("button")`, nil, chromedp.WithPollingTimeout(90*time.Second)))
	page("approve from the card",
		chromedp.Evaluate(`[...`+approvalCard+`.querySelectorAll("button")].find(b => b.textContent.trim() === "Approve").click()`, nil),
		poll(`[...`+log+`.querySelectorAll(".ac-adaptiveCard")].some(c => c.textContent.includes(`+fmt.Sprintf("%q", localcloud.DemoApprovalTitle)+`) && c.textContent.includes("You answered"))`))
	// The tab sits in the fake Teams host's frame, in the page's frame; all
	// three share FlowDeck's origin.
	page("the tab shows the dashboard",
		poll(`(() => { const host = document.getElementById("teams").contentDocument; const tab = host && host.querySelector("iframe");
			return !!(tab && tab.contentDocument && tab.contentDocument.querySelector('[data-testid="summary"]')); })()`))
	// Card markdown renders as Teams renders it (bold), and never as HTML.
	var bold int
	page("card markdown", chromedp.Evaluate(log+`.querySelectorAll(".ac-adaptiveCard strong").length`, &bold))
	if bold == 0 {
		t.Error("the cards' **bold** text is shown as literal asterisks")
	}
	if dir := os.Getenv("FLOWDECK_BROWSER_ARTIFACTS"); dir != "" {
		var png []byte
		if chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)) == nil {
			os.WriteFile(filepath.Join(dir, "TestBrowserDevTeamsClient-ok.png"), png, 0o644)
		}
	}
}
