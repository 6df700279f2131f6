package systemtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	fakegraph "github.com/flowdeck/flowdeck/internal/fakecloud/graph"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/fakecloud/teamshost"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
	"github.com/flowdeck/flowdeck/web"
)

// The browser tests drive the real tab UI (web/dist, embedded) in headless
// Chromium, framed by the fake Teams client (teamshost), against FlowDeck
// booted as `serve` on the local cloud. They need the UI built and Debian's
// Chromium: without them they skip, unless FLOWDECK_BROWSER_TESTS=1 (CI,
// make test), which makes them fail.

// chromiumPath is Debian's Chromium; FLOWDECK_CHROMIUM overrides it.
func chromiumPath() string {
	if p := os.Getenv("FLOWDECK_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// requireBrowser skips or fails (FLOWDECK_BROWSER_TESTS=1) when the UI is not
// built or Chromium is missing.
func requireBrowser(tb testing.TB) {
	tb.Helper()
	missing := ""
	if _, ok := web.Built(); !ok {
		missing = "the tab UI is not built: run make web"
	} else if _, err := os.Stat(chromiumPath()); err != nil {
		missing = "Chromium is missing: apt-get install -y chromium (or set FLOWDECK_CHROMIUM)"
	}
	if missing == "" {
		return
	}
	if os.Getenv("FLOWDECK_BROWSER_TESTS") == "1" {
		tb.Fatal(missing)
	}
	tb.Skip(missing)
}

// browserFixture is FlowDeck behind the fake Teams client, and a browser.
type browserFixture struct {
	entra *entra.Server
	pp    *powerplatform.Server
	m     *app.Main
	host  *teamshost.Server
	ctx   context.Context // the browser tab showing the host page
	user  demo.User
}

// newBrowserFixture boots the fakes with tenant (nil: the demo tenant),
// FlowDeck and the Teams host in front of it (FlowDeck's public URL is the
// host's, so the tab, its API and its sign-in pages share the host page's
// origin), and a headless Chromium.
func newBrowserFixture(tb testing.TB, tenant *powerplatform.Tenant) *browserFixture {
	tb.Helper()
	requireBrowser(tb)
	ca, err := fakeca.New()
	if err != nil {
		tb.Fatal(err)
	}
	f := &browserFixture{user: demo.Users()[0]}
	if f.entra, err = entra.New(entra.Options{CA: ca, Demo: true}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.entra.Close() })
	if f.pp, err = powerplatform.New(powerplatform.Options{CA: ca, Keyfunc: f.entra.Keyfunc, Tenant: tenant}); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(f.pp.Close)
	gr, err := fakegraph.New(fakegraph.Options{CA: ca, Keyfunc: f.entra.Keyfunc})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { gr.Close() })

	c := localtest.Config(tb)
	c.TenantID, c.AllowedTenants = demo.TenantID, []string{demo.TenantID}
	c.ClientID, c.ClientSecret = demo.ClientID, demo.ClientSecret
	c.CAFile = filepath.Join(tb.TempDir(), "ca.pem")
	if err := os.WriteFile(c.CAFile, ca.CertPEM(), 0o600); err != nil {
		tb.Fatal(err)
	}
	parse := func(s string) *url.URL { u, _ := url.Parse(s); return u }
	c.AuthorityURL, c.FlowAPIURL, c.PowerAppsAPIURL, c.BAPAPIURL, c.GraphAPIURL =
		parse(f.entra.URL()), parse(f.pp.FlowURL()), parse(f.pp.PowerAppsURL()), parse(f.pp.BAPURL()), parse(gr.URL())

	flowdeckLn, hostLn := localtest.MustListen(tb), localtest.MustListen(tb)
	// HTTPS, as in Teams: teams-js opens only https URLs in the sign-in popup.
	c.PublicURL = &url.URL{Scheme: "https", Host: hostLn.Addr().String()}
	hostTLS, err := ca.ServerTLSConfig(hostLn.Addr().(*net.TCPAddr).IP.String())
	if err != nil {
		tb.Fatal(err)
	}
	c.AppIDURI = "api://" + c.PublicURL.Host + "/botid-" + c.ClientID
	if err := f.entra.AddRedirectURI(c.ClientID, c.PublicURL.String()+"/auth/end"); err != nil {
		tb.Fatal(err)
	}
	if err := f.entra.AddAppIDURI(c.ClientID, c.AppIDURI); err != nil {
		tb.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if t, ok := tb.(*testing.T); ok {
		logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	f.m = &app.Main{Config: c, Logger: logger, Version: "test", Listener: flowdeckLn, RunContentHosts: []string{f.pp.ContentHost()}}
	if err := f.m.Run(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.m.Close() })

	f.host, err = teamshost.Start(teamshost.ServerOptions{
		Options: teamshost.Options{
			User: f.user,
			Token: func(context.Context) (string, error) {
				return f.entra.MintSSOToken(entra.SSORequest{TenantID: demo.TenantID, UserID: f.user.ID, Audience: c.AppIDURI})
			},
		},
		Listener: hostLn,
		Backend:  &url.URL{Scheme: "http", Host: flowdeckLn.Addr().String()},
		TLS:      hostTLS,
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.host.Close() })
	f.ctx = newBrowser(tb)
	return f
}

// newBrowser starts headless Chromium with a fresh profile and returns its
// first tab's context.
func newBrowser(tb testing.TB) context.Context {
	tb.Helper()
	// Not tb.TempDir: Chromium may still write to its profile while the
	// testing package removes temporary directories.
	profile, err := os.MkdirTemp("", "flowdeck-chromium-")
	if err != nil {
		tb.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath()),
		chromedp.UserDataDir(profile),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
		// The fake Entra ID serves TLS from the local cloud's own CA.
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tb.Cleanup(func() { cancel(); cancelAlloc(); _ = os.RemoveAll(profile) })
	if err := chromedp.Run(ctx); err != nil {
		tb.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// run runs browser actions with a deadline; on failure it saves a screenshot
// and fails the test.
func (f *browserFixture) run(t testing.TB, what string, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(f.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		f.screenshot(t, what)
		t.Fatalf("%s: %v", what, err)
	}
}

// screenshot saves the page as it looks now and logs where.
func (f *browserFixture) screenshot(t testing.TB, what string) {
	t.Helper()
	var png []byte
	ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100)); err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	dir := os.Getenv("FLOWDECK_BROWSER_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	name := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()+"-"+what)+".png")
	if err := os.WriteFile(name, png, 0o644); err != nil {
		t.Logf("no screenshot: %v", err)
		return
	}
	t.Logf("screenshot of the failure: %s", name)
}

// inTab wraps a JavaScript body that sees the tab's document as d and its
// window as w (the tab shares the host page's origin).
func inTab(body string) string {
	return `(() => { const fr = document.getElementById("tab"); const w = fr && fr.contentWindow; const d = fr && fr.contentDocument; if (!d || !d.body) return false; ` + body + ` })()`
}

// waitTab waits until the JavaScript condition (see inTab) is truthy.
func waitTab(cond string) chromedp.Action {
	return chromedp.Poll(inTab(cond), nil, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))
}

// evalTab evaluates a JavaScript body (see inTab) into res.
func evalTab(body string, res any) chromedp.Action {
	return chromedp.Evaluate(inTab(body), res)
}

// clickText clicks, with the mouse (a user gesture, so popups may open), the
// first enabled element matching selector whose text is text.
func clickText(selector, text string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		find := fmt.Sprintf(`const el = [...d.querySelectorAll(%q)].find(e => e.textContent.trim() === %q && !e.disabled);`, selector, text)
		var at []float64
		err := chromedp.Run(ctx,
			waitTab(find+` return !!el;`),
			evalTab(find+` el.scrollIntoView({block: "center"}); const f = fr.getBoundingClientRect(), r = el.getBoundingClientRect(); return [f.left + r.left + r.width / 2, f.top + r.top + r.height / 2];`, &at))
		if err != nil || len(at) != 2 {
			return fmt.Errorf("click %s %q: %v", selector, text, err)
		}
		return chromedp.MouseClickXY(at[0], at[1]).Do(ctx)
	})
}

func (f *browserFixture) open(query string) chromedp.Action {
	return chromedp.Navigate(f.host.HostURL() + query)
}

// dashboardLoaded waits for the dashboard's summary, complete: a snapshot
// shows first and the live refresh streams in, so the summary is only whole
// once it says data-live="done".
var dashboardLoaded = waitTab(`return d.querySelector('[data-testid="summary"]')?.dataset.live === "done";`)

func summaryValue(label string) string {
	return fmt.Sprintf(`const a = [...d.querySelectorAll('[data-testid="summary"] a')].find(a => (a.getAttribute("aria-label") || "").endsWith(%q)); return a ? Number(a.textContent) : -1;`, " "+label)
}

func TestBrowserDashboard(t *testing.T) {
	f := newBrowserFixture(t, nil)
	f.entra.GrantAllDemoConsent()
	f.run(t, "open the dashboard", f.open(""), dashboardLoaded)

	var pending, failing float64
	f.run(t, "read the summary", evalTab(summaryValue("pending approvals"), &pending), evalTab(summaryValue("failing flows"), &failing))
	if pending < 1 || failing < 1 {
		f.screenshot(t, "summary")
		t.Fatalf("dashboard shows %v pending approvals and %v failing flows; the demo tenant has both", pending, failing)
	}
	var app string
	f.run(t, "host state", chromedp.AttributeValue("body", "data-app", &app, nil))
	if app != "success" {
		t.Errorf("the tab told the host %q, want app.notifySuccess", app)
	}
}

// openFailingFlow opens the first failing flow from the dashboard and
// returns its environment and id, read from the tab's URL.
func (f *browserFixture) openFailingFlow(t *testing.T) (env, flow string) {
	t.Helper()
	f.run(t, "open a failing flow", f.open(""), dashboardLoaded,
		evalTab(`const a = d.querySelector('[data-testid="failing"] a'); if (!a) return false; a.click(); return true;`, nil),
		waitTab(`return w.location.hash.startsWith("#/flows/") && !!d.querySelector('table[aria-label="Runs"] tbody tr');`),
		// Every run, not only the failed ones the dashboard links to.
		evalTab(`w.location.hash = w.location.hash.split("?")[0]; return true;`, nil),
		waitTab(`return !w.location.hash.includes("?") && !!d.querySelector('table[aria-label="Runs"] tbody tr');`))
	var hash string
	f.run(t, "read the route", evalTab(`return w.location.hash;`, &hash))
	parts := strings.Split(strings.SplitN(strings.TrimPrefix(hash, "#/flows/"), "?", 2)[0], "/")
	if len(parts) < 2 {
		t.Fatalf("flow route %q", hash)
	}
	env, _ = url.PathUnescape(parts[0])
	flow, _ = url.PathUnescape(parts[1])
	return env, flow
}

func TestBrowserResubmitAFailedRun(t *testing.T) {
	f := newBrowserFixture(t, nil)
	f.entra.GrantAllDemoConsent()
	env, flow := f.openFailingFlow(t)
	var run string
	f.run(t, "select a failed run",
		waitTab(`return [...d.querySelectorAll('tr[data-run]')].some(r => r.textContent.includes("Failed"));`),
		evalTab(`const r = [...d.querySelectorAll('tr[data-run]')].find(r => r.textContent.includes("Failed")); r.querySelector('input[type=checkbox]').click(); return r.getAttribute("data-run");`, &run),
		waitTab(`return d.querySelector('[data-testid="selected-count"]').textContent.startsWith("1 run selected");`),
		clickText("button", "Resubmit"),
		waitTab(`return !!d.querySelector('[role="alertdialog"], [role="dialog"]');`),
		clickText("[role=alertdialog] button, [role=dialog] button", "Resubmit"),
		waitTab(`const r = d.querySelector('[data-testid="bulk-results"]'); return r && r.textContent.includes("Resubmitted 1 of 1 run");`))
	var newRun string
	f.run(t, "the resubmitted run appears",
		waitTab(fmt.Sprintf(`return [...d.querySelectorAll('tr[data-run]')].some(r => r.getAttribute("data-run") !== %q && r.textContent.includes("Running"));`, run)),
		evalTab(fmt.Sprintf(`return [...d.querySelectorAll('tr[data-run]')].find(r => r.getAttribute("data-run") !== %q && r.textContent.includes("Running")).getAttribute("data-run");`, run), &newRun))
	r, err := f.pp.Run(env, flow, newRun)
	if err != nil {
		t.Fatalf("the new run %s is not at the fake: %v", newRun, err)
	}
	if r.Resubmitted != run {
		t.Errorf("run %s resubmits %q, want %s", newRun, r.Resubmitted, run)
	}
}

func TestBrowserBulkCancel(t *testing.T) {
	f := newBrowserFixture(t, nil)
	f.entra.GrantAllDemoConsent()
	env, flow := f.openFailingFlow(t)
	var ids []string
	for range 2 {
		id, err := f.pp.AddRun(env, flow, powerplatform.RunSpec{Status: flowdeck.RunRunning, Duration: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	sel := fmt.Sprintf(`for (const id of %s) { const cb = d.querySelector('tr[data-run="' + id + '"] input[type=checkbox]'); if (!cb) return false; cb.click(); } return true;`, mustJSON(t, ids))
	f.run(t, "cancel two running runs",
		// The running runs: a new status filter refetches the listing.
		evalTab(`w.location.hash = w.location.hash.split("?")[0] + "?status=Running"; return true;`, nil),
		waitTab(fmt.Sprintf(`return %s.every(id => !!d.querySelector('tr[data-run="' + id + '"]'));`, mustJSON(t, ids))),
		evalTab(sel, nil),
		waitTab(`return d.querySelector('[data-testid="selected-count"]').textContent.startsWith("2 runs selected");`),
		clickText("button", "Cancel runs"),
		clickText("[role=alertdialog] button, [role=dialog] button", "Cancel runs"),
		waitTab(`const r = d.querySelector('[data-testid="bulk-results"]'); return r && r.textContent.includes("Cancelled 2 of 2 runs");`))
	for _, id := range ids {
		r, err := f.pp.Run(env, flow, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != flowdeck.RunCancelled {
			t.Errorf("run %s is %s at the fake, want Cancelled", id, r.Status)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
