package systemtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The tab's Settings: watches added with the flow picker (the same
// subscriptions the bot lists and the monitor reads), and the time zone,
// digest time and quiet hours, refused per field and saved.

// setInput sets the value of the tab's input matching selector the way typing
// does (React sees an input event).
func setInput(selector, value string) chromedp.Action {
	return evalTab(fmt.Sprintf(`const el = d.querySelector(%q); if (!el) return false;
		const set = Object.getOwnPropertyDescriptor(w.HTMLInputElement.prototype, "value").set;
		set.call(el, %q);
		el.dispatchEvent(new w.Event("input", {bubbles: true}));
		return true;`, selector, value), nil)
}

// focusTab focuses the tab's element matching the JavaScript expression el.
func focusTab(el string) chromedp.Action {
	return chromedp.Tasks{
		waitTab(`return !!(` + el + `);`),
		evalTab(`const el = `+el+`; el.focus(); return d.activeElement === el;`, nil),
	}
}

func TestBrowserSettings(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	user := demo.Users()[0]
	// A name no other flow has, to pick it out of the search.
	fl := addFlow(tenant, failingFlowOf(t, tenant, user.ID), "Quarterly zebra census")
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()
	ctx := cloudtest.As(user)
	save := evalTab(`[...d.querySelectorAll("button")].find(b => b.textContent === "Save").click(); return true;`, nil)
	src := webModule(t, "axe-core/axe.min.js")

	t.Run("watch with the picker", func(t *testing.T) {
		f.run(t, "open settings", f.open(""), dashboardLoaded,
			goTab("#/settings", emptyShows("empty-watches", "You watch no flows yet")),
			waitTab(`return d.querySelectorAll('[data-testid="picker-results"] li').length > 0;`))
		var pages string
		f.run(t, "the picker pages", evalTab(`return [...d.querySelectorAll('nav[aria-label="Pages"]')].map(n => n.textContent).join("|");`, &pages))
		if !strings.Contains(pages, "1–10 of") {
			t.Errorf("the picker's pager says %q, want the first 10 flows of more", pages)
		}
		// By keyboard only: type the name, Enter searches; Enter on Watch watches.
		watch := fmt.Sprintf(`[...d.querySelectorAll('[data-testid="picker-results"] button')].find(b => b.getAttribute("aria-label") === %q)`, "Watch "+fl.DisplayName)
		f.run(t, "search by keyboard", focusTab(`d.querySelector('[data-testid="picker-search"]')`),
			chromedp.KeyEvent(fl.DisplayName), chromedp.KeyEvent("\r"),
			waitTab(fmt.Sprintf(`const items = [...d.querySelectorAll('[data-testid="picker-results"] li')]; return items.length > 0 && items.every(li => li.textContent.toLowerCase().includes(%q));`, strings.ToLower(fl.DisplayName))))
		f.run(t, "watch by keyboard", focusTab(watch), chromedp.KeyEvent("\r"),
			waitTab(fmt.Sprintf(`const l = d.querySelector('[data-testid="watches"]'); return !!l && l.textContent.includes(%q);`, fl.DisplayName)),
			waitTab(fmt.Sprintf(`return [...d.querySelectorAll('[data-testid="picker-results"] button')].some(b => b.getAttribute("aria-label") === %q && b.disabled);`, "Watching "+fl.DisplayName)))

		// The bot's "watch" list and the monitor read the same subscriptions.
		subs, err := f.m.Parts().Ops.Watches(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(subs) != 1 || subs[0].Target != flowdeck.WatchFlow || subs[0].EnvironmentID != fl.Environment || subs[0].FlowID != fl.Name || subs[0].FlowName != fl.DisplayName {
			t.Fatalf("the store holds %+v, want a watch of %s/%s", subs, fl.Environment, fl.Name)
		}
		f.run(t, "remove it", clickText("button", "Remove"),
			waitTab(emptyShows("empty-watches", "You watch no flows yet")))
		if subs, err := f.m.Parts().Ops.Watches(ctx); err != nil || len(subs) != 0 {
			t.Fatalf("after Remove the store holds %+v (%v)", subs, err)
		}
	})

	t.Run("time zone and quiet hours", func(t *testing.T) {
		var zones float64
		f.run(t, "open settings", f.open(""), dashboardLoaded, goTab("#/settings", `return !!d.querySelector('input[name="timeZone"]');`),
			evalTab(`return d.querySelectorAll('#fd-time-zones option').length;`, &zones))
		if zones < 100 {
			t.Errorf("the time-zone list offers %v zones", zones)
		}
		fieldError := func(name, text string) string {
			return fmt.Sprintf(`const i = d.querySelector('input[name=%q]'); const fld = i && i.closest(".fui-Field");
 return !!fld && i.getAttribute("aria-invalid") === "true" && fld.textContent.includes(%q) && d.activeElement === i;`, name, text)
		}
		f.run(t, "an unknown time zone is refused", setInput(`input[name="timeZone"]`, "Mars/Olympus"),
			save, waitTab(fieldError("timeZone", "Unknown time zone")))
		f.run(t, "quiet hours that start and end at once are refused",
			setInput(`input[name="timeZone"]`, "Europe/Paris"), setInput(`input[name="digestTime"]`, "08:30"),
			setInput(`input[name="quietStart"]`, "22:00"), setInput(`input[name="quietEnd"]`, "22:00"),
			save, waitTab(fieldError("quietEnd", "Quiet hours end at a different time")))
		if st, err := f.m.Parts().Ops.Settings(ctx); err != nil || st.TimeZone != "UTC" || st.QuietStart != "" {
			t.Fatalf("refused settings were stored: %+v (%v)", st, err)
		}
		f.run(t, "axe with a field error", f.checkViewAction(t, src))
		f.run(t, "valid settings are saved", setInput(`input[name="quietEnd"]`, "07:00"),
			evalTab(`const r = d.querySelector('input[name="delivery"][value="feed"]'); r.click(); return r.checked;`, nil),
			save, waitTab(`return d.body.textContent.includes("Settings saved.") && !d.querySelector('[aria-invalid="true"]');`))
		st, err := f.m.Parts().Ops.Settings(ctx)
		if err != nil || st.TimeZone != "Europe/Paris" || st.DigestTime != "08:30" || st.QuietStart != "22:00" || st.QuietEnd != "07:00" || st.Delivery != flowdeck.DeliveryFeed {
			t.Fatalf("stored settings %+v (%v)", st, err)
		}
		f.run(t, "they come back", f.open(""), dashboardLoaded,
			goTab("#/settings", `const v = n => d.querySelector('input[name="' + n + '"]')?.value;
 return v("timeZone") === "Europe/Paris" && v("digestTime") === "08:30" && v("quietStart") === "22:00" && v("quietEnd") === "07:00" &&
  d.querySelector('input[name="delivery"][value="feed"]')?.checked === true;`))
	})

	for _, theme := range []string{"dark", "contrast"} {
		t.Run("360px/"+theme, func(t *testing.T) {
			f.run(t, "phone-sized window", emulation.SetDeviceMetricsOverride(360, 740, 1, true))
			f.run(t, "open settings", f.open("?theme="+theme), dashboardLoaded,
				goTab("#/settings", `return d.querySelectorAll('[data-testid="picker-results"] li').length > 0;`), waitTab(settled))
			f.checkView(t, src)
		})
	}
}
