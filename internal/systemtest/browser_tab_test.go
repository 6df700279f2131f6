package systemtest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// The tab's browser coverage beyond the happy paths of browser_test.go:
// consent, themes, hostile flow names, accessibility, deep links, a plain
// browser, and the dashboard's first render.

// webModule reads a file of the UI's pinned npm packages (web/node_modules,
// installed by make web).
func webModule(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "web", "node_modules", filepath.FromSlash(rel)))
	if err != nil {
		tb.Fatalf("%v (run make web)", err)
	}
	return b
}

// serveTeamsJS makes the page behind ctx load the pinned teams-js whenever it
// asks Microsoft's CDN (unreachable offline) for it, as /auth/end does.
func serveTeamsJS(ctx context.Context, tb testing.TB) error {
	body := base64.StdEncoding.EncodeToString(webModule(tb, "@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js"))
	chromedp.ListenTarget(ctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() { // never block the event loop with a CDP call
			_ = chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
				return fetch.FulfillRequest(e.RequestID, 200).
					WithResponseHeaders([]*fetch.HeaderEntry{
						{Name: "Content-Type", Value: "text/javascript; charset=utf-8"},
						{Name: "Access-Control-Allow-Origin", Value: "*"},
					}).
					WithBody(body).Do(ctx)
			}))
		}()
	})
	return chromedp.Run(ctx, fetch.Enable().WithPatterns([]*fetch.RequestPattern{{URLPattern: "https://res.cdn.office.net/*"}}))
}

// waitPage waits until the JavaScript condition is true in the page behind
// ctx, across the page's navigations (chromedp.Poll stops at the first one).
func waitPage(ctx context.Context, cond string) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var ok bool
		actx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := chromedp.Run(actx, chromedp.Evaluate(cond, &ok))
		cancel()
		if err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (last error: %v)", cond, ctx.Err(), err)
		case <-tick.C:
		}
	}
}

// hostLog is the host page's record of teams-js messages, for failures.
func (f *browserFixture) hostLog() string {
	var s string
	ctx, cancel := context.WithTimeout(f.ctx, 5*time.Second)
	defer cancel()
	_ = chromedp.Run(ctx, chromedp.Evaluate(`[...document.body.attributes].map(a => a.name + "=" + a.value.slice(0, 40)).join(" ") + "\n" + [...document.querySelectorAll("#log li")].map(li => li.textContent).join("\n") + "\ntab: " + (document.getElementById("tab").contentDocument?.querySelector('[role="alert"]')?.textContent ?? "")`, &s))
	return s
}

func TestBrowserConsent(t *testing.T) {
	f := newBrowserFixture(t, nil)
	// Graph and Power Apps, not Power Automate.
	app := entra.DemoApp()
	for _, rr := range app.Required {
		if rr.Resource != entra.FlowResource && len(rr.Scopes) > 0 {
			f.entra.GrantConsent(demo.TenantID, f.user.ID, app.ClientID, rr.Resource, rr.Scopes...)
		}
	}
	f.run(t, "open the dashboard without Power Automate consent", f.open(""),
		waitTab(`return [...d.querySelectorAll("button")].some(b => b.textContent.trim() === "Grant access");`))

	popups := chromedp.WaitNewTarget(f.ctx, func(i *target.Info) bool { return i.Type == "page" })
	f.run(t, "click Grant access", clickText("button", "Grant access"))
	var id target.ID
	select {
	case id = <-popups:
	case <-time.After(20 * time.Second):
		f.screenshot(t, "no popup")
		t.Fatalf("no popup opened after Grant access; the host saw:\n%s", f.hostLog())
	}
	pctx, cancel := chromedp.NewContext(f.ctx, chromedp.WithTargetID(id))
	defer cancel()
	wctx, wcancel := context.WithTimeout(pctx, 30*time.Second)
	defer wcancel()
	if err := serveTeamsJS(wctx, t); err != nil {
		t.Fatalf("intercepting the CDN in the popup: %v", err)
	}
	if err := waitPage(wctx, `!!document.querySelector('button[value="accept"]')`); err != nil {
		t.Fatalf("the popup never showed Entra ID's consent page: %v\nhost:\n%s", err, f.hostLog())
	}
	if err := chromedp.Run(wctx, chromedp.Evaluate(`document.querySelector('button[value="accept"]').click(); true`, nil)); err != nil {
		t.Fatalf("accepting: %v", err)
	}

	f.run(t, "the popup reports success to the host",
		chromedp.Poll(`document.body.getAttribute("data-auth") === "success"`, nil, chromedp.WithPollingTimeout(20*time.Second)))
	f.run(t, "the tab retries and shows the dashboard", dashboardLoaded)
	var failing float64
	f.run(t, "read the summary", evalTab(summaryValue("failing flows"), &failing))
	if failing < 1 {
		f.screenshot(t, "summary")
		t.Errorf("after consent the dashboard shows %v failing flows; the demo tenant has some", failing)
	}
	if s := f.entra.ConsentedScopes(demo.TenantID, f.user.ID, app.ClientID, entra.FlowResource); len(s) == 0 {
		t.Error("Entra ID records no Power Automate consent for the user after Accept")
	}
}

// tabBackground is JavaScript (see inTab) computing the tab body's
// background colour: {css, alpha, luminance 0…1}.
const tabBackground = `const c = getComputedStyle(d.body).backgroundColor; const m = (c.match(/[\d.]+/g) || []).map(Number);
const a = m.length > 3 ? m[3] : 1; return {css: c, alpha: a, lum: (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255};`

type background struct {
	CSS   string  `json:"css"`
	Alpha float64 `json:"alpha"`
	Lum   float64 `json:"lum"`
}

// waitBackground waits for the tab's background to be opaque and dark (or light).
func waitBackground(dark bool) chromedp.Action {
	cmp := "> 0.8"
	if dark {
		cmp = "< 0.2"
	}
	return waitTab(`const bg = (() => { ` + tabBackground + ` })(); return bg.alpha === 1 && bg.lum ` + cmp + `;`)
}

func (f *browserFixture) background(t *testing.T) background {
	t.Helper()
	var bg background
	f.run(t, "read the background", evalTab(tabBackground, &bg))
	return bg
}

func TestBrowserTheme(t *testing.T) {
	f := newBrowserFixture(t, nil)
	f.entra.GrantAllDemoConsent()

	t.Run("switch", func(t *testing.T) {
		f.run(t, "open in the light theme", f.open(""), dashboardLoaded, waitBackground(false))
		light := f.background(t)
		setTheme := func(name string) chromedp.Action {
			return chromedp.Evaluate(fmt.Sprintf(`(() => { const s = document.getElementById("theme"); s.value = %q; s.dispatchEvent(new Event("change")); return true; })()`, name), nil)
		}
		f.run(t, "switch the host to dark", setTheme("dark"), waitBackground(true))
		dark := f.background(t)
		t.Logf("light %s → dark %s", light.CSS, dark.CSS)
		if dark.CSS == light.CSS {
			t.Errorf("the background stayed %s", dark.CSS)
		}
		f.run(t, "switch the host back to light", setTheme("default"), waitBackground(false))
	})
	for _, theme := range []string{"dark", "contrast"} {
		t.Run("start-"+theme, func(t *testing.T) {
			f.run(t, "open in "+theme, f.open("?theme="+theme), dashboardLoaded, waitBackground(true),
				waitTab(fmt.Sprintf(`return d.documentElement.dataset.theme === %q;`, theme)))
			if bg := f.background(t); theme == "contrast" && bg.Lum != 0 {
				t.Errorf("high contrast background %s, want black", bg.CSS)
			}
		})
	}
}

// addFlow adds to tenant a copy of like (runs included) named name.
func addFlow(tenant *powerplatform.Tenant, like *powerplatform.Flow, name string) *powerplatform.Flow {
	fl := *like
	fl.Name, fl.DisplayName = uuid.NewString(), name
	fl.Runs = nil
	for _, r := range like.Runs {
		rc := *r
		fl.Runs = append(fl.Runs, &rc)
	}
	tenant.Flows = append(tenant.Flows, &fl)
	return &fl
}

// failingFlowOf is a started flow of user's whose latest run failed.
func failingFlowOf(t *testing.T, tenant *powerplatform.Tenant, user string) *powerplatform.Flow {
	t.Helper()
	for _, fl := range tenant.Flows {
		if n := len(fl.Runs); fl.OwnerID == user && fl.State == powerplatform.StateStarted && n > 0 && fl.Runs[n-1].Status == powerplatform.RunFailed {
			return fl
		}
	}
	t.Fatal("the demo tenant has no failing flow of the demo user")
	return nil
}

func TestBrowserHostileFlowNames(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	user := demo.Users()[0]
	like := failingFlowOf(t, tenant, user.ID)
	script := `<script>alert(1)</script>`
	img := `<img src=x onerror="alert(2)">`
	long := ("Quarterly reconciliation of every supplier invoice against purchase orders " + strings.Repeat("and the matching goods receipts ", 10))[:300]
	for _, name := range []string{script, img, long} {
		addFlow(tenant, like, name)
	}
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()
	dialogs := make(chan string, 8)
	chromedp.ListenTarget(f.ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs <- e.Message
			go func() { _ = chromedp.Run(f.ctx, page.HandleJavaScriptDialog(false)) }()
		}
	})
	noDialog := func(t *testing.T) {
		t.Helper()
		select {
		case m := <-dialogs:
			f.screenshot(t, "dialog")
			t.Fatalf("a flow name ran as script: a dialog opened with %q", m)
		default:
		}
	}

	f.run(t, "phone-sized window", emulation.SetDeviceMetricsOverride(360, 740, 1, true))
	search := func(q string) chromedp.Action {
		return evalTab(fmt.Sprintf(`w.location.hash = "#/flows?q=" + encodeURIComponent(%q); return true;`, q), nil)
	}
	for _, name := range []string{script, img} {
		f.run(t, "search "+name, f.open(""), dashboardLoaded, search(name[:4]),
			waitTab(fmt.Sprintf(`return [...d.querySelectorAll('[data-testid="flow-name"]')].some(a => a.textContent === %q);`, name)))
		var inside int
		f.run(t, "look for markup", evalTab(`return d.querySelectorAll('table[aria-label="Flows"] script, table[aria-label="Flows"] img').length;`, &inside))
		if inside != 0 {
			t.Errorf("the grid holds %d script or img elements for %s", inside, name)
		}
		noDialog(t)
	}
	// The dashboard lists them among the failures, as text too.
	f.run(t, "the dashboard", f.open(""), dashboardLoaded,
		waitTab(fmt.Sprintf(`const t = d.querySelector('[data-testid="failing"]'); return !!t && t.textContent.includes(%q) && t.textContent.includes(%q);`, script, img)))
	noDialog(t)

	var got struct {
		Text                   string
		Overflow, TextOverflow string
		Clipped                bool
		Right, Width, PageWide float64
		Box                    string
	}
	f.run(t, "the long name", search("Quarterly reconciliation"),
		waitTab(`return !!d.querySelector('[data-testid="flow-name"]');`),
		evalTab(`const a = d.querySelector('[data-testid="flow-name"]'); const box = a.parentElement; const cs = getComputedStyle(box);
return {Text: a.textContent, Overflow: cs.overflow, TextOverflow: cs.textOverflow, Clipped: box.scrollWidth > box.clientWidth,
 Right: box.getBoundingClientRect().right, Width: w.innerWidth, PageWide: d.documentElement.scrollWidth, Box: [cs.display, cs.overflow, cs.whiteSpace, cs.textOverflow, box.clientWidth, box.scrollWidth, a.offsetWidth].join(" ")};`, &got))
	if got.Text != long {
		t.Errorf("the grid shows %q, want the 300-character name", got.Text)
	}
	if got.TextOverflow != "ellipsis" || !got.Clipped {
		t.Errorf("the long name is not truncated with an ellipsis (text-overflow %s, clipped %v) %s", got.TextOverflow, got.Clipped, got.Box)
	}
	if got.Right > got.Width || got.PageWide > got.Width {
		f.screenshot(t, "layout")
		t.Errorf("at 360 px the name ends at %v px and the page is %v px wide, beyond the %v px window", got.Right, got.PageWide, got.Width)
	}
	noDialog(t)
}

// axeViolation is what the test reports of an axe-core violation.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core (src) on the tab's document, in an isolated world of the
// tab's frame (the tab's CSP forbids eval; an isolated world is not bound by
// it and sees the same DOM).
func axe(src []byte, out *[]axeViolation) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		tree, err := page.GetFrameTree().Do(ctx)
		if err != nil {
			return err
		}
		if len(tree.ChildFrames) == 0 {
			return fmt.Errorf("the host page has no tab frame")
		}
		world, err := page.CreateIsolatedWorld(tree.ChildFrames[0].Frame.ID).WithWorldName("flowdeck-axe").Do(ctx)
		if err != nil {
			return err
		}
		eval := func(expr string, await bool) (*runtime.RemoteObject, error) {
			res, exc, err := runtime.Evaluate(expr).WithContextID(world).WithAwaitPromise(await).WithReturnByValue(true).Do(ctx)
			if err != nil {
				return nil, err
			}
			if exc != nil {
				return nil, fmt.Errorf("axe: %s", exc.Error())
			}
			return res, nil
		}
		if _, err := eval(string(src), false); err != nil {
			return err
		}
		// Fluent's focus manager (tabster) adds <i data-tabster-dummy
		// aria-hidden tabindex=0> sentinels on purpose, a known false positive
		// of aria-hidden-focus (microsoft/tabster#288, fluentui#25133): those
		// nodes, and only those, are dropped.
		res, err := eval(`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations
  .map(v => ({...v, nodes: v.nodes.filter(n => !(v.id === "aria-hidden-focus" && /^<i [^>]*data-tabster-dummy/.test(n.html)))}))
  .filter(v => v.nodes.length > 0)
  .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " "))}))))`, true)
		if err != nil {
			return err
		}
		var s string
		if err := json.Unmarshal(res.Value, &s); err != nil {
			return err
		}
		return json.Unmarshal([]byte(s), out)
	})
}

func TestBrowserAccessibility(t *testing.T) {
	f := newBrowserFixture(t, nil)
	f.entra.GrantAllDemoConsent()
	src := webModule(t, "axe-core/axe.min.js")
	pages := []struct{ name, hash, ready string }{
		{"dashboard", "#/", `return d.querySelector('[data-testid="summary"]')?.dataset.live === "done";`},
		{"flows", "#/flows", `return !!d.querySelector('table[aria-label="Flows"] tbody tr');`},
		{"approvals", "#/approvals", `return !!d.querySelector('[data-approval]');`},
	}
	for _, theme := range []string{"default", "dark"} {
		for _, p := range pages {
			t.Run(theme+"/"+p.name, func(t *testing.T) {
				var vs []axeViolation
				f.run(t, "open "+p.name, f.open("?theme="+theme), dashboardLoaded,
					evalTab(fmt.Sprintf(`w.location.hash = %q; return true;`, p.hash), nil), waitTab(p.ready),
					// No spinner left: axe checks the settled page.
					waitTab(`return !d.querySelector('[role="progressbar"], .fui-Spinner');`),
					axe(src, &vs))
				for _, v := range vs {
					msg := fmt.Sprintf("%s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
					if v.Impact == "serious" || v.Impact == "critical" {
						t.Error(msg)
					} else {
						t.Log(msg)
					}
				}
				if t.Failed() {
					f.screenshot(t, "axe")
				}
			})
		}
	}
}

func TestBrowserDeepLinks(t *testing.T) {
	tenant := powerplatform.Demo(time.Now())
	user := demo.Users()[0]
	fl := failingFlowOf(t, tenant, user.ID)
	f := newBrowserFixture(t, tenant)
	f.entra.GrantAllDemoConsent()
	link := cards.TeamsTabLink("https://teams.microsoft.com", demo.ClientID, "dashboard")
	cases := []struct{ name, sub, ready string }{
		{"flow", cards.FlowSubEntity(fl.Environment, fl.Name), fmt.Sprintf(
			`return w.location.hash.toLowerCase() === ("#/flows/" + encodeURIComponent(%q) + "/" + encodeURIComponent(%q)).toLowerCase()
 && d.querySelector("h1")?.textContent === %q;`, fl.Environment, fl.Name, fl.DisplayName)},
		{"approvals", cards.ApprovalsSubEntity, `return w.location.hash === "#/approvals" && d.querySelector("h1")?.textContent === "Approvals" && !!d.querySelector("[data-approval]");`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The card's "Open in tab" link, replayed on the host page.
			u, err := url.Parse(link(c.sub))
			if err != nil {
				t.Fatal(err)
			}
			f.run(t, "follow the card's link", f.open("?"+u.RawQuery), waitTab(c.ready))
		})
	}
}

func TestBrowserOutsideTeams(t *testing.T) {
	f := newBrowserFixture(t, nil)
	const bound = 3 * time.Second
	start := time.Now()
	f.run(t, "open FlowDeck without Teams", chromedp.Navigate(f.host.URL()+"/"),
		chromedp.Poll(`document.querySelector("h1")?.textContent === "Open FlowDeck in Microsoft Teams"`, nil,
			chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(bound)))
	took := time.Since(start)
	t.Logf("the open-in-Teams page showed after %v", took.Round(time.Millisecond))
	var nav bool
	f.run(t, "no navigation", chromedp.Evaluate(`!!document.querySelector("nav")`, &nav))
	if nav {
		t.Error("the page outside Teams shows the tab's navigation")
	}
}

// BenchmarkBrowserDashboardFirstRender loads the host page fresh each
// iteration and reports when, after the tab's navigation started, the
// dashboard of a 1,000-flow tenant rendered (the UI's "dashboard-rendered"
// mark).
func BenchmarkBrowserDashboardFirstRender(b *testing.B) {
	users := demo.UsersOf(demo.TenantID)
	me := users[0]
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 3, FlowsPerEnvironment: 334, RunsPerFlow: 5, Seed: 1, Now: time.Now(), Users: users})
	for _, fl := range tenant.Flows {
		fl.OwnerID = me.ID
		fl.SharedWith = slices.DeleteFunc(fl.SharedWith, func(id string) bool { return id == me.ID })
	}
	f := newBrowserFixture(b, tenant)
	f.entra.GrantAllDemoConsent()
	const mark = `w.performance.getEntriesByName("dashboard-rendered")`
	var total float64
	n := 0
	for b.Loop() {
		var ms float64
		f.run(b, "first render", f.open(""), waitTab(`return `+mark+`.length > 0;`), evalTab(`return `+mark+`[0].startTime;`, &ms))
		if n == 0 {
			b.Logf("first (cold) render: %.0f ms", ms)
		}
		total += ms
		n++
	}
	b.ReportMetric(total/float64(n), "ms/first-render")
}
