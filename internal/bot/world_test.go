package bot_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flowdeck/flowdeck/internal/bot"
	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/graph"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/logtest"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

type worldOptions struct {
	// fast turns the connector's rate limits off (benchmarks).
	fast bool
	// coldCache makes the Power Automate overview cache nothing.
	coldCache bool
	// snapshots gives ops the store's snapshots (Options.Snapshots).
	snapshots bool
	quiet     bool
	// echo puts the no-op echo handler behind the endpoint instead of the
	// bot: the ceiling of the benchmarks (see echoHandler).
	echo bool
	// updateTimeout bounds the router's background card updates; 0: its default.
	updateTimeout time.Duration
	// brokerTransport, when set, wraps the transport the token broker
	// reaches the fake Entra ID with (to hold its OBO requests).
	brokerTransport func(http.RoundTripper) http.RoundTripper
	// tenant is the Power Platform state; nil: the demo tenant.
	tenant *powerplatform.Tenant
}

// publicPortal is the public cloud's Power Automate portal.
var publicPortal = func() flowdeck.Portal { c, _ := cloud.Get(cloud.Public); return flowdeck.Portal(c.FlowPortal) }()

// world is the local cloud, a real store, broker, SSO verifier and consent
// flow, ops on the cloud's clients, the fake Bot Connector, the bot behind
// the real botframework endpoint, and a Teams client driver.
type world struct {
	cloud  *cloudtest.Cloud
	store  *sqlstore.Store
	broker *identity.Broker
	conn   *connector.Server
	drv    *connector.Driver
	bot    *bot.Bot
	router *cardaction.Router
	// cardMetrics are the router's metrics (flowdeck_card_updates_total).
	cardMetrics *cardaction.Metrics
	ops         *ops.Service
	logs        *logtest.Buffer
	botURL      string
}

func newWorld(tb testing.TB, o worldOptions) *world {
	tb.Helper()
	ctx := context.Background()
	w := &world{logs: &logtest.Buffer{}}
	var out io.Writer = w.logs
	if o.quiet {
		out = io.Discard
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	w.cloud = cloudtest.New(tb, cloudtest.Options{Tenant: o.tenant})
	w.cloud.Entra.GrantAllDemoConsent()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	kr, err := sqlstore.NewKeyring(key)
	must(tb, err)
	w.store, err = sqlstore.Open(ctx, sqlstore.Options{URL: filepath.Join(tb.TempDir(), "fd.db"), Keyring: kr})
	must(tb, err)
	tb.Cleanup(func() { _ = w.store.Close() })
	cred, err := identity.NewSecretCredential(demo.ClientSecret)
	must(tb, err)
	brokerHTTP := w.cloud.Entra.Client()
	if o.brokerTransport != nil {
		brokerHTTP = &http.Client{Transport: o.brokerTransport(brokerHTTP.Transport), Timeout: brokerHTTP.Timeout}
	}
	webMux := http.NewServeMux()
	web := httptest.NewServer(webMux)
	tb.Cleanup(web.Close)
	must(tb, w.cloud.Entra.AddRedirectURI(demo.ClientID, web.URL+"/auth/end"))
	links, err := identity.NewSignInLinks(identity.SignInLinksOptions{RedirectURL: web.URL + "/auth/end", StateKey: key, Registry: w.cloud.Registry,
		Authority: w.cloud.Entra.URL(), ClientID: demo.ClientID})
	must(tb, err)
	w.broker, err = identity.NewBroker(identity.BrokerOptions{Registry: w.cloud.Registry, Store: w.store, Authority: w.cloud.Entra.URL(),
		ClientID: demo.ClientID, Credential: cred, HTTPClient: brokerHTTP, Logger: log, Links: links})
	must(tb, err)
	consent, err := identity.NewConsent(identity.ConsentOptions{Authority: w.cloud.Entra.URL(), ClientID: demo.ClientID, Credential: cred,
		Links: links, HTTPClient: w.cloud.Entra.Client(), Broker: w.broker, Logger: log,
		DisableInstanceDiscovery: true})
	must(tb, err)
	webMux.HandleFunc("/auth/start", consent.Start)
	vctx, cancel := context.WithCancel(ctx)
	tb.Cleanup(cancel)
	sso, err := identity.NewVerifier(vctx, identity.VerifierOptions{JWKSURL: w.cloud.Entra.JWKSURL("common"), HTTPClient: w.cloud.Entra.Client(),
		ClientID: demo.ClientID, AppIDURI: demo.AppIDURI, AllowedTenants: []string{demo.TenantID}, Logger: log})
	must(tb, err)
	tb.Cleanup(sso.Close)
	overview := w.cloud.Overview
	if o.coldCache {
		overview = powerautomate.NewOverview(w.cloud.Flows, powerautomate.OverviewOptions{CacheTTL: time.Nanosecond, Fresh: time.Nanosecond})
	}
	var snapshots flowdeck.SnapshotStore
	if o.snapshots {
		snapshots = w.store
	}
	w.ops = ops.New(ops.Options{Flows: w.cloud.Flows, Overview: overview, Apps: w.cloud.Apps, Subscriptions: w.store,
		People: graph.NewNames(graph.NamesOptions{Client: w.cloud.GraphClient, Logger: log}), Portal: publicPortal, Snapshots: snapshots})
	tb.Cleanup(w.ops.WaitRefreshes)
	w.conn, err = connector.New(connector.Options{CA: w.cloud.CA, Keyfunc: w.cloud.Entra.Keyfunc, DisableRateLimit: o.fast})
	must(tb, err)
	tb.Cleanup(func() { _ = w.conn.Close() })
	ts, err := identity.NewAppTokenSource(identity.AppTokenOptions{Authority: w.cloud.Entra.URL(), TenantID: demo.TenantID,
		ClientID: demo.ClientID, Credential: cred, HTTPClient: w.cloud.Entra.Client(), Scope: identity.BotFrameworkScope,
		DisableInstanceDiscovery: true})
	must(tb, err)
	co := botframework.ClientOptions{TokenSource: ts, HTTPClient: w.conn.Client(), BaseBackoff: 50 * time.Millisecond, Logger: log}
	if o.fast {
		co.Limits, co.TenantLimits = []botframework.Window{}, []botframework.Window{}
	}
	client, err := botframework.NewClient(co)
	must(tb, err)
	bo := bot.Options{Ops: w.ops, Tokens: w.broker, SSO: sso, Consent: consent, Connector: client, Conversations: w.store,
		Dedupe: w.store, AppIDURI: demo.AppIDURI, BotID: demo.ClientID, Logger: log, Portal: publicPortal,
		PortalHosts: []string{string(publicPortal), "https://flow.microsoft.com"}}
	w.bot, err = bot.New(bo)
	must(tb, err)
	tb.Cleanup(func() { _ = w.bot.Close(context.Background()) })
	w.cardMetrics, err = cardaction.NewMetrics(prometheus.NewRegistry())
	must(tb, err)
	w.router, err = cardaction.New(cardaction.Options{Ops: w.ops, Tokens: w.broker, Connector: client, Cards: w.store,
		Idempotency: w.store, Subscriptions: w.store, Commands: w.bot, AppIDURI: demo.AppIDURI, BotID: demo.ClientID,
		Portal: publicPortal, Logger: log, Metrics: w.cardMetrics, UpdateTimeout: o.updateTimeout,
		SignInURL: func(p flowdeck.Principal) string { u, _ := consent.StartURL(p, p.UPN, nil, ""); return u },
		SignIn: func(ctx context.Context, p flowdeck.Principal, tok string) error {
			who, err := sso.Principal(ctx, tok)
			if err != nil {
				return err
			}
			if who.TenantID != p.TenantID || who.UserID != p.UserID {
				return flowdeck.Errorf(flowdeck.ErrUnauthenticated, "That sign-in belongs to someone else.")
			}
			res, err := w.broker.Exchange(ctx, who, flowdeck.NewAssertion(tok))
			if err != nil {
				return err
			}
			return res[identity.Flow]
		},
		ExplainPermission: consent.ExplainMissingPermission,
	})
	must(tb, err)
	tb.Cleanup(func() { _ = w.router.Close(context.Background()) })

	var handler http.Handler
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { handler.ServeHTTP(rw, r) }))
	eo := botframework.EndpointOptions{Handler: w.bot, CardActions: w.router, Logger: log, Activities: w.store}
	if o.echo {
		eo.Handler, eo.CardActions = echoHandler(client), nil
	}
	eo.Verifier, err = botframework.NewChannelVerifier(botframework.VerifierOptions{AppID: demo.ClientID,
		OpenIDMetadataURL: w.conn.MetadataURL(), HTTPClient: w.conn.Client()})
	must(tb, err)
	handler, err = botframework.NewEndpoint(eo)
	must(tb, err)
	srv.Start()
	tb.Cleanup(srv.Close)
	w.botURL = srv.URL + "/api/messages"
	w.drv, err = connector.NewDriver(connector.DriverOptions{Server: w.conn, BotURL: w.botURL})
	must(tb, err)
	return w
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func waitCtx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// sso mints u's Teams SSO token at the fake Entra ID.
func (w *world) sso(tb testing.TB, u demo.User) string {
	tb.Helper()
	tok, err := w.cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2})
	must(tb, err)
	return tok
}

// next waits for the first non-typing record after the first n of cid.
func (w *world) next(tb testing.TB, cid string, n int) connector.Record {
	tb.Helper()
	ctx := waitCtx(tb)
	for k := n + 1; ; k++ {
		recs, err := w.conn.WaitFor(ctx, cid, k)
		if err != nil {
			tb.Fatalf("no answer in %s after %d records: %v", cid, n, err)
		}
		if r := recs[k-1]; r.Op != connector.OpTyping {
			return r
		}
	}
}

// ask says text as u in the personal chat and returns the bot's answer.
func (w *world) ask(tb testing.TB, u demo.User, text string) connector.Record {
	tb.Helper()
	cid := w.drv.ConversationID(u)
	n := len(w.conn.Records(cid))
	res, err := w.drv.Say(waitCtx(tb), u, text)
	must(tb, err)
	if res.Status != http.StatusOK {
		tb.Fatalf("say %q: status %d %s", text, res.Status, res.Body)
	}
	return w.next(tb, cid, n)
}

// signIn runs the SSO token exchange for u and checks it succeeded.
func (w *world) signIn(tb testing.TB, u demo.User) {
	tb.Helper()
	cid := w.drv.ConversationID(u)
	n := len(w.conn.Records(cid))
	res, err := w.drv.TokenExchange(waitCtx(tb), u, w.sso(tb, u))
	must(tb, err)
	if res.Status != http.StatusOK {
		tb.Fatalf("token exchange: %d %s", res.Status, res.Body)
	}
	if r := w.next(tb, cid, n); !strings.Contains(r.Activity().Text, "signed in") {
		tb.Fatalf("after the exchange the bot said %q", r.Activity().Text)
	}
}

// content is the JSON of the record's first attachment, or its text.
func content(r connector.Record) string {
	if len(r.Activity().Attachments) == 0 {
		return r.Activity().Text
	}
	b, _ := json.Marshal(r.Activity().Attachments[0].Content)
	return string(b)
}

func contentType(r connector.Record) string {
	if len(r.Activity().Attachments) == 0 {
		return ""
	}
	return r.Activity().Attachments[0].ContentType
}

// actionData finds the Action.Execute with verb in a card and returns its data.
func actionData(tb testing.TB, card any, verb string) map[string]any {
	tb.Helper()
	var found map[string]any
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["verb"] == verb && found == nil {
				found, _ = x["data"].(map[string]any)
				if found == nil {
					found = map[string]any{}
				}
			}
			for _, k := range sortedKeys(x) {
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var generic any
	b, _ := json.Marshal(card)
	_ = json.Unmarshal(b, &generic)
	walk(generic)
	if found == nil {
		tb.Fatalf("no %s action in %s", verb, b)
	}
	return found
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// cardOf decodes an adaptiveCard/action invoke response; it returns the
// card (for a card answer) and the whole body as text.
func cardOf(tb testing.TB, res connector.Result) (any, string) {
	tb.Helper()
	if res.Status != http.StatusOK {
		tb.Fatalf("card action: status %d %s", res.Status, res.Body)
	}
	var body botframework.CardActionBody
	must(tb, res.JSON(&body))
	return body.Value, string(res.Body)
}

// as is a context signed in as u, for checking the fakes' state through ops.
func as(u demo.User) context.Context {
	return flowdeck.WithPrincipal(context.Background(), flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name})
}
