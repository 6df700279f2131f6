package monitor_test

import (
	"context"
	"fmt"
	"log/slog"
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
	"github.com/flowdeck/flowdeck/internal/monitor"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/powerapps"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// fixture is the monitor on the whole local cloud: fake Entra ID, Power
// Platform and Bot Connector on one fake clock; a real store, token broker,
// upstream transport, clients, ops and card actions.
type fixture struct {
	clk   *fakeClock
	cloud *cloudtest.Cloud
	bf    *connector.Server
	// replicas share the cloud and the connector; each has its own store
	// connections, broker, clients and monitor.
	replicas []*replica
}

// replica is one FlowDeck instance's monitor and what it stands on.
type replica struct {
	store  *sqlstore.Store
	broker *identity.Broker
	ops    *ops.Service
	h      *cardaction.Router
	mon    *monitor.Monitor
	// signIns is the queue from the broker to the monitor, as FlowDeck wires it.
	signIns *flowdeck.SignInQueue
}

type fixtureOptions struct {
	tenant   *powerplatform.Tenant
	storeURL string // "" is a fresh SQLite file
	replicas int    // default 1
	opts     monitor.Options
	// snapshots keeps the tab's snapshots in the store (ops.Options.Snapshots).
	snapshots bool
}

// start is the fixture clock's start: real time, so that the bot's app
// token (cached by MSAL on the real clock) stays valid at the connector
// (fake clock) while a test moves time on by less than an hour.
func newFixture(tb testing.TB, o fixtureOptions) *fixture {
	tb.Helper()
	f := &fixture{clk: newFakeClock(time.Now().UTC().Truncate(time.Second))}
	f.cloud = cloudtest.New(tb, cloudtest.Options{Tenant: o.tenant, Now: f.clk.Now})
	c := f.cloud
	c.Entra.GrantAllDemoConsent()
	var err error
	f.bf, err = connector.New(connector.Options{CA: c.CA, Keyfunc: c.Entra.Keyfunc, Now: f.clk.Now, DisableRateLimit: true})
	check(tb, err)
	tb.Cleanup(func() { f.bf.Close() })
	if o.storeURL == "" {
		o.storeURL = filepath.Join(tb.TempDir(), "fd.db")
	}
	if o.replicas == 0 {
		o.replicas = 1
	}
	for i := range o.replicas {
		f.replicas = append(f.replicas, f.newReplica(tb, o, fmt.Sprintf("replica-%d", i)))
	}
	return f
}

func (f *fixture) newReplica(tb testing.TB, o fixtureOptions, name string) *replica {
	c := f.cloud
	r := &replica{}
	k, err := sqlstore.NewKeyring(make([]byte, 32))
	check(tb, err)
	r.store, err = sqlstore.Open(context.Background(), sqlstore.Options{URL: o.storeURL, Keyring: k, Now: f.clk.Now})
	check(tb, err)
	tb.Cleanup(func() { r.store.Close() })
	cred, err := identity.NewSecretCredential(demo.ClientSecret)
	check(tb, err)
	r.signIns = flowdeck.NewSignInQueue()
	r.broker, err = identity.NewBroker(identity.BrokerOptions{Registry: c.Registry, Store: r.store, Authority: c.Entra.URL(),
		ClientID: demo.ClientID, Credential: cred, HTTPClient: c.Entra.Client(), Now: f.clk.Now, OnSignInNeeded: r.signIns.Add})
	check(tb, err)
	hc := upstream.NewClient(upstream.Options{Tokens: r.broker, Audiences: c.Registry, Base: c.CA.Client().Transport})
	flows := powerautomate.New(powerautomate.Options{BaseURL: mustURL(c.PP.FlowURL()), HTTP: hc})
	r.ops = ops.New(ops.Options{Flows: flows, Overview: powerautomate.NewOverview(flows, powerautomate.OverviewOptions{Now: f.clk.Now}),
		Apps:          powerapps.New(powerapps.Options{BaseURL: mustURL(c.PP.PowerAppsURL()), BAPURL: mustURL(c.PP.BAPURL()), HTTP: hc}),
		Subscriptions: r.store, Now: f.clk.Now})
	if o.snapshots {
		r.ops = ops.New(ops.Options{Flows: flows, Overview: powerautomate.NewOverview(flows, powerautomate.OverviewOptions{Now: f.clk.Now}),
			Apps:          powerapps.New(powerapps.Options{BaseURL: mustURL(c.PP.PowerAppsURL()), BAPURL: mustURL(c.PP.BAPURL()), HTTP: hc}),
			Subscriptions: r.store, Snapshots: r.store, Now: f.clk.Now})
	}
	ts, err := identity.NewAppTokenSource(identity.AppTokenOptions{Authority: c.Entra.URL(), TenantID: demo.TenantID, ClientID: demo.ClientID,
		Credential: cred, HTTPClient: c.Entra.Client(), Scope: identity.BotFrameworkScope, DisableInstanceDiscovery: true})
	check(tb, err)
	client, err := botframework.NewClient(botframework.ClientOptions{TokenSource: ts, HTTPClient: c.CA.Client(), Limits: []botframework.Window{}})
	check(tb, err)
	r.h, err = cardaction.New(cardaction.Options{Ops: r.ops, Tokens: r.broker, Connector: client, Cards: r.store, Idempotency: r.store,
		Subscriptions: r.store, BotID: demo.ClientID, Now: f.clk.Now, Portal: publicPortal()})
	check(tb, err)
	mo := o.opts
	mo.Store, mo.Source, mo.Poster, mo.Tokens, mo.Clock, mo.Replica = r.store, r.ops, r.h, r.broker, f.clk, name
	mo.SignIns = r.signIns
	if mo.Logger == nil {
		mo.Logger = slog.New(slog.NewTextHandler(testWriter{tb}, nil))
	}
	if mo.Interval == 0 {
		mo.Interval = 5 * time.Minute
	}
	if mo.Tick == 0 {
		mo.Tick = 30 * time.Second
	}
	r.mon, err = monitor.New(mo)
	check(tb, err)
	tb.Cleanup(func() { r.mon.Close() })
	return r
}

// one is the first replica.
func (f *fixture) one() *replica { return f.replicas[0] }

// signIn gives u delegated tokens, as the bot's sign-in does, in every
// replica's store (they may be one database), and records u's personal chat.
func (f *fixture) signIn(tb testing.TB, u demo.User) {
	tb.Helper()
	for _, r := range f.replicas[:1] {
		tok, err := f.cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2})
		check(tb, err)
		res, err := r.broker.Exchange(context.Background(), principal(u), flowdeck.NewAssertion(tok))
		check(tb, err)
		for aud, err := range res {
			if err != nil {
				tb.Fatalf("sign in %s: %s: %v", u.Name, aud, err)
			}
		}
		check(tb, r.store.PutConversation(context.Background(), f.personal(u)))
	}
}

// personal is u's personal conversation with the bot.
func (f *fixture) personal(u demo.User) flowdeck.ConversationRef {
	return flowdeck.ConversationRef{TenantID: u.TenantID, ConversationID: connector.PersonalConversationID(f.bf.BotID(), u),
		Scope: flowdeck.ScopePersonal, UserID: u.ID, ServiceURL: f.bf.ServiceURL(), BotID: "28:" + demo.ClientID, ChannelID: "msteams"}
}

// watch subscribes u to sub (delivered to their personal chat unless
// ConversationID is set), as the bot's watch command does.
func (f *fixture) watch(tb testing.TB, u demo.User, sub flowdeck.Subscription) flowdeck.Subscription {
	tb.Helper()
	s, err := f.one().ops.Watch(as(u), sub)
	check(tb, err)
	return s
}

// startedFlows returns u's started flows that u owns, as ops lists them.
func (f *fixture) startedFlows(tb testing.TB, u demo.User) []flowdeck.Flow {
	tb.Helper()
	list, err := f.one().ops.Flows(as(u), ops.FlowQuery{State: flowdeck.FlowStarted, Owner: u.ID, Limit: 200})
	check(tb, err)
	out := make([]flowdeck.Flow, len(list.Items))
	for i, it := range list.Items {
		out[i] = it.Flow
	}
	return out
}

// fail adds a failed run of fl starting at the fake clock's now (less ago).
func (f *fixture) fail(tb testing.TB, fl flowdeck.Flow, ago time.Duration) string {
	tb.Helper()
	id, err := f.cloud.PP.AddRun(fl.EnvironmentID, fl.ID, powerplatform.RunSpec{Status: powerplatform.RunFailed, Start: f.clk.Now().Add(-ago), Duration: time.Second})
	check(tb, err)
	return id
}

// succeed adds a successful run of fl starting now.
func (f *fixture) succeed(tb testing.TB, fl flowdeck.Flow) string {
	tb.Helper()
	id, err := f.cloud.PP.AddRun(fl.EnvironmentID, fl.ID, powerplatform.RunSpec{Status: powerplatform.RunSucceeded, Start: f.clk.Now(), Duration: time.Second})
	check(tb, err)
	return id
}

// tick advances the clock by d and runs one tick of every live replica, in turn.
func (f *fixture) tick(tb testing.TB, d time.Duration) {
	tb.Helper()
	f.clk.Advance(d)
	for _, r := range f.replicas {
		r.mon.Tick(tb.Context())
	}
}

// sent is what the connector recorded in u's personal chat.
type sent struct {
	posts   []connector.Record
	updates []connector.Record
}

func (f *fixture) sentTo(conversationID string) sent {
	var s sent
	for _, r := range f.bf.Records(conversationID) {
		switch r.Op {
		case connector.OpSend, connector.OpReply:
			s.posts = append(s.posts, r)
		case connector.OpUpdate:
			s.updates = append(s.updates, r)
		}
	}
	return s
}

// containing returns the records whose body contains every want.
func containing(recs []connector.Record, want ...string) []connector.Record {
	var out []connector.Record
	for _, r := range recs {
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(string(r.Raw), w)
		}
		if ok {
			out = append(out, r)
		}
	}
	return out
}

// testWriter writes logs to the test's log.
type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func as(u demo.User) context.Context { return cloudtest.As(u) }

func principal(u demo.User) flowdeck.Principal {
	return flowdeck.Principal{TenantID: u.TenantID, UserID: u.ID, Name: u.Name, UPN: u.UPN}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func check(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// publicPortal is the public cloud's Power Automate portal.
func publicPortal() flowdeck.Portal {
	c, _ := cloud.Get(cloud.Public)
	return flowdeck.Portal(c.FlowPortal)
}
