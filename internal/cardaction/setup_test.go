package cardaction_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/powerapps"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

const signInPage = "https://flowdeck.test/auth/start"

// fixture is the whole path of a card action: the local cloud, a real store
// and broker, ops on real clients whose tokens come from the broker, the fake
// Bot Connector, the endpoint with the router behind it, and a Teams client
// driver.
type fixture struct {
	cloud  *cloudtest.Cloud
	store  *sqlstore.Store
	broker *identity.Broker
	ops    *ops.Service
	bf     *connector.Server
	h      *cardaction.Router
	drv    *connector.Driver
}

type fixtureOptions struct {
	tenant *powerplatform.Tenant
	// fast turns the connector's rate limits off (benchmarks).
	fast bool
	// metrics receives the router's metrics.
	metrics *cardaction.Metrics
}

func newFixture(tb testing.TB, o fixtureOptions) *fixture {
	tb.Helper()
	f := &fixture{cloud: cloudtest.New(tb, cloudtest.Options{Tenant: o.tenant})}
	c := f.cloud
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	check(tb, err)
	f.store, err = sqlstore.Open(context.Background(), sqlstore.Options{URL: filepath.Join(tb.TempDir(), "fd.db"), Keyring: k})
	check(tb, err)
	tb.Cleanup(func() { f.store.Close() })
	cred, err := identity.NewSecretCredential(demo.ClientSecret)
	check(tb, err)
	f.broker, err = identity.NewBroker(identity.BrokerOptions{Registry: c.Registry, Store: f.store, Authority: c.Entra.URL(),
		ClientID: demo.ClientID, Credential: cred, HTTPClient: c.Entra.Client()})
	check(tb, err)
	hc := upstream.NewClient(upstream.Options{Tokens: f.broker, Audiences: c.Registry, Base: c.CA.Client().Transport})
	flows := powerautomate.New(powerautomate.Options{BaseURL: mustURL(c.PP.FlowURL()), HTTP: hc})
	f.ops = ops.New(ops.Options{Flows: flows, Overview: powerautomate.NewOverview(flows, powerautomate.OverviewOptions{}),
		Apps:          powerapps.New(powerapps.Options{BaseURL: mustURL(c.PP.PowerAppsURL()), BAPURL: mustURL(c.PP.BAPURL()), HTTP: hc}),
		Subscriptions: f.store})

	f.bf, err = connector.New(connector.Options{CA: c.CA, Keyfunc: c.Entra.Keyfunc, DisableRateLimit: o.fast})
	check(tb, err)
	tb.Cleanup(func() { f.bf.Close() })
	ts, err := identity.NewAppTokenSource(identity.AppTokenOptions{Authority: c.Entra.URL(), TenantID: demo.TenantID, ClientID: demo.ClientID,
		Credential: cred, HTTPClient: c.Entra.Client(), Scope: identity.BotFrameworkScope, DisableInstanceDiscovery: true})
	check(tb, err)
	co := botframework.ClientOptions{TokenSource: ts, HTTPClient: c.CA.Client()}
	if o.fast {
		co.Limits = []botframework.Window{}
	}
	client, err := botframework.NewClient(co)
	check(tb, err)
	f.h, err = cardaction.New(cardaction.Options{
		Ops: f.ops, Tokens: f.broker, Connector: client, Cards: f.store, Idempotency: f.store, Subscriptions: f.store,
		BotID: demo.ClientID, AppIDURI: "api://flowdeck.test/botid-" + demo.ClientID, Portal: publicPortal(), Metrics: o.metrics,
		SignInURL: func(p flowdeck.Principal) string { return signInPage + "?user=" + url.QueryEscape(p.UserID) },
		SignIn: func(ctx context.Context, p flowdeck.Principal, tok string) error {
			res, err := f.broker.Exchange(ctx, p, flowdeck.NewAssertion(tok))
			for _, e := range res {
				err = cmp.Or(err, e)
			}
			return err
		},
	})
	check(tb, err)
	tb.Cleanup(func() { _ = f.h.Close(context.Background()) })

	v, err := botframework.NewChannelVerifier(botframework.VerifierOptions{AppID: demo.ClientID, OpenIDMetadataURL: f.bf.MetadataURL(), HTTPClient: c.CA.Client()})
	check(tb, err)
	ep, err := botframework.NewEndpoint(botframework.EndpointOptions{Verifier: v, Handler: f.h})
	check(tb, err)
	srv := httptest.NewServer(ep)
	tb.Cleanup(srv.Close)
	f.drv, err = connector.NewDriver(connector.DriverOptions{Server: f.bf, BotURL: srv.URL})
	check(tb, err)
	c.Entra.GrantAllDemoConsent()
	return f
}

// signIn gives u delegated tokens the way the bot's sign-in does: an SSO
// token exchanged by the broker.
func (f *fixture) signIn(tb testing.TB, u demo.User) {
	tb.Helper()
	tok, err := f.cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2})
	check(tb, err)
	res, err := f.broker.Exchange(context.Background(), principal(u), flowdeck.NewAssertion(tok))
	check(tb, err)
	for aud, err := range res {
		if err != nil {
			tb.Fatalf("sign in %s: %s: %v", u.Name, aud, err)
		}
	}
}

// personal is u's personal conversation with the bot.
func (f *fixture) personal(u demo.User) flowdeck.ConversationRef {
	return flowdeck.ConversationRef{TenantID: u.TenantID, ConversationID: f.drv.ConversationID(u), Scope: flowdeck.ScopePersonal,
		UserID: u.ID, ServiceURL: f.bf.ServiceURL(), BotID: "28:" + demo.ClientID, ChannelID: "msteams"}
}

// answer is a decoded adaptiveCard/action invoke response.
type answer struct {
	HTTP       int
	StatusCode int             `json:"statusCode"`
	Type       string          `json:"type"`
	Value      json.RawMessage `json:"value"`
}

func (a answer) text() string { return string(a.Value) }

// act sends an Action.Execute as u on the card replyTo.
func (f *fixture) act(tb testing.TB, u demo.User, replyTo, verb string, data map[string]any, trigger bool) answer {
	tb.Helper()
	res, err := f.drv.CardAction(context.Background(), u, replyTo, verb, data, trigger)
	check(tb, err)
	var a answer
	if err := res.JSON(&a); err != nil {
		tb.Fatalf("%s: answer %d %q: %v", verb, res.Status, res.Body, err)
	}
	a.HTTP = res.Status
	return a
}

// wantCard fails unless a is a card (HTTP 200) containing every want.
func wantCard(tb testing.TB, a answer, want ...string) {
	tb.Helper()
	if a.HTTP != 200 || a.StatusCode != 200 || a.Type != botframework.ContentTypeAdaptiveCard {
		tb.Fatalf("answer = HTTP %d %d %s %s, want a card", a.HTTP, a.StatusCode, a.Type, a.Value)
	}
	for _, w := range want {
		if !strings.Contains(a.text(), w) {
			tb.Errorf("card lacks %q:\n%s", w, a.Value)
		}
	}
}

func principal(u demo.User) flowdeck.Principal {
	return flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN}
}

func check(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

// approvalData is the data of the approval card's buttons.
// publicPortal is the public cloud's Power Automate portal.
func publicPortal() flowdeck.Portal {
	c, _ := cloud.Get(cloud.Public)
	return flowdeck.Portal(c.FlowPortal)
}

func approvalData(a flowdeck.Approval, response, comment string) map[string]any {
	d := map[string]any{"approvalId": a.ID, "environmentId": a.EnvironmentID}
	if response != "" {
		d["response"] = response
	}
	if comment != "" {
		d["comment"] = comment
	}
	return d
}

// within reports whether got is d after now, give or take a minute.
func within(got, now time.Time, d time.Duration) bool {
	diff := got.Sub(now.Add(d))
	return diff > -time.Minute && diff < time.Minute
}

// waitUpdates waits until the card id in conv has been updated in place n
// times (the router updates cards in the background) and returns the
// conversation's records.
func (f *fixture) waitUpdates(tb testing.TB, conv, id string, n int) []connector.Record {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for k := 1; ; k++ {
		recs, err := f.bf.WaitFor(ctx, conv, k)
		if err != nil {
			tb.Fatalf("conversation %s: %d updates of %s, want %d: %v", conv, updates(f.bf.Records(conv), id), id, n, err)
		}
		if updates(recs, id) >= n {
			return recs
		}
	}
}
