package systemtest

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestBrowserDevComposeExtension is the message extension in the /dev/
// page of a real `flowdeck dev`: search "invoice" in the compose box,
// insert the flow's live card, then paste a run's portal link into the
// message box and see it unfurl into the run's live card (Resubmit
// included). The search and the unfurl go to the bot as Teams sends them
// (composeExtension/query, selectItem, queryLink), the user signed in
// silently with Teams' SSO.
func TestBrowserDevComposeExtension(t *testing.T) {
	requireBrowser(t)
	p := startDev(t, buildBinary(t), "FLOWDECK_MONITOR_INTERVAL=24h")
	t.Cleanup(func() { p.stop(t) })
	c := devChat{ctx: newBrowser(t), p: p}
	const results = `[...document.querySelectorAll("#me-results button")]`
	c.run(t, "the page loads",
		chromedp.Navigate(p.url+"/dev/"),
		c.until(`chatCards().some(c => c.textContent.includes("Welcome to FlowDeck"))`))

	c.run(t, "search invoice",
		chromedp.SendKeys("#me-text", "invoice", chromedp.ByQuery),
		chromedp.Click("#me-search button", chromedp.ByQuery),
		c.until(results+`.length > 0 && `+results+`.every(b => /invoice/i.test(b.textContent))`))
	var title string
	c.run(t, "mark the first result", c.eval(`const b = `+results+`[0]; b.dataset.fd = "result"; return b.firstChild.textContent;`, &title))
	card := fmt.Sprintf(`chatCards().find(c => c.textContent.includes("Power Automate flow") && c.textContent.includes(%q))`, title)
	c.run(t, "insert the flow card",
		c.click("result"),
		c.until(card+` && buttons(`+card+`, "Open in Power Automate").length === 1`))

	c.run(t, "search failed runs",
		chromedp.SetValue("#me-command", "searchFailed", chromedp.ByQuery),
		chromedp.Click("#me-search button", chromedp.ByQuery),
		c.until(results+`.length > 0 && JSON.parse(`+results+`[0].dataset.tap).kind === "run"`))
	var tap struct {
		EnvironmentID string `json:"environmentId"`
		FlowID        string `json:"flowId"`
		RunID         string `json:"runId"`
	}
	var raw string
	c.run(t, "read a failed run", c.eval(`return `+results+`[0].dataset.tap;`, &raw))
	if err := json.Unmarshal([]byte(raw), &tap); err != nil || tap.RunID == "" {
		t.Fatalf("tap value %q: %v", raw, err)
	}
	link := flowdeck.Portal("https://make.powerautomate.com").RunURL(tap.EnvironmentID, tap.FlowID, tap.RunID)
	unfurled := fmt.Sprintf(`[...document.querySelectorAll("#log li.me.card")].find(li => li.textContent.includes(%q) && li.querySelector(".ac-adaptiveCard"))`, link)
	c.run(t, "paste the run link",
		c.say(link),
		c.until(unfurled+` && /Run of/.test(`+unfurled+`.textContent) && [...`+unfurled+`.querySelectorAll("button")].some(b => b.textContent.trim() === "Resubmit")`))
}
