package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flowdeck/flowdeck/internal/bot"
	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/bulkjob"
	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/graph"
	"github.com/flowdeck/flowdeck/internal/identity"
	"github.com/flowdeck/flowdeck/internal/monitor"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/powerapps"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
	"github.com/flowdeck/flowdeck/internal/server"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// services are the identity and upstream parts Main wires together from the
// configuration: who the user is, the tokens FlowDeck holds for them, and the
// clients that use those tokens.
type services struct {
	ready    *readiness
	registry *identity.Registry
	verifier *identity.Verifier
	broker   *identity.Broker
	consent  *identity.Consent
	flows    *powerautomate.Client
	overview *powerautomate.Overview
	apps     *powerapps.Client
	graph    *graph.Client
	names    *graph.Names
	ops      *ops.Service
	appToken *identity.AppTokenSource
	channel  *botframework.ChannelVerifier
	conn     *botframework.Client
	// connClock is the connector client's clock (nil: the wall clock).
	connClock botframework.Clock
	router    *cardaction.Router
	bot       *bot.Bot
	endpoint  *botframework.Endpoint
	monitor   *monitor.Monitor
	// jobs works on the tab's bulk jobs in the background.
	jobs *bulkjob.Worker
	// signIns carries the users who must sign in again from the broker to the monitor.
	signIns *flowdeck.SignInQueue
	// ipLimit and userLimit are FLOWDECK_RATE_LIMIT_IP and _USER.
	ipLimit, userLimit server.RateLimit
}

func newServices(ctx context.Context, c config.Config, store flowdeck.Store, reg *prometheus.Registry, logger *slog.Logger, wrapChannel ChannelWrapper, localRunHosts []string, connClock botframework.Clock) (*services, error) {
	tokens, subs := flowdeck.TokenStore(store), flowdeck.SubscriptionStore(store)
	hc, err := OutboundClient(c)
	if err != nil {
		return nil, err
	}
	s := &services{ready: &readiness{store: store, client: hc, now: time.Now,
		authority: c.Authority(c.TenantID) + "/v2.0/.well-known/openid-configuration"},
		ipLimit: server.RateLimit(c.RateLimitIP), userLimit: server.RateLimit(c.RateLimitUser)}
	if s.registry, err = identity.NewRegistry(identity.RegistryOptions{
		Cloud:        c.Cloud,
		FlowAudience: c.FlowAudience, PowerAppsAudience: c.PowerAppsAudience, GraphAudience: c.GraphAudience,
		FlowURL: c.FlowAPIURL.String(), PowerAppsURL: c.PowerAppsAPIURL.String(), BAPURL: c.BAPAPIURL.String(), GraphURL: c.GraphAPIURL.String(),
	}); err != nil {
		return nil, err
	}
	issuers, err := identity.CloudIssuers(c.Cloud)
	if err != nil {
		return nil, err
	}
	if s.verifier, err = identity.NewVerifier(ctx, identity.VerifierOptions{
		JWKSURL:        c.AuthorityURL.JoinPath("common", "discovery", "v2.0", "keys").String(),
		HTTPClient:     hc,
		ClientID:       c.ClientID,
		AppIDURI:       c.AppIDURI,
		AllowedTenants: c.AllowedTenants,
		Issuers:        issuers,
		Logger:         logger,
	}); err != nil {
		return nil, fmt.Errorf("SSO verifier: %w", err)
	}
	cred, err := Credential(c)
	if err != nil {
		return nil, err
	}
	brokerMetrics, err := identity.NewBrokerMetrics(reg)
	if err != nil {
		return nil, err
	}
	// The sign-in links first: the broker puts them in its consent errors and
	// the consent flow opens the states they seal; neither waits for the other.
	links, err := identity.NewSignInLinks(identity.SignInLinksOptions{
		RedirectURL: c.PublicURL.JoinPath("auth", "end").String(), Registry: s.registry,
		StateKey:  derivedKey(c.EncryptionKey, "flowdeck/consent-state/v1"),
		Authority: c.AuthorityURL.String(), ClientID: c.ClientID,
	})
	if err != nil {
		return nil, fmt.Errorf("consent flow: %w", err)
	}
	// The sign-in queue likewise: the broker adds a user whose refresh token
	// died, the monitor (made last) takes them.
	s.signIns = flowdeck.NewSignInQueue()
	if s.broker, err = identity.NewBroker(identity.BrokerOptions{
		Registry: s.registry, Store: tokens, Authority: c.AuthorityURL.String(), ClientID: c.ClientID,
		Credential: cred, HTTPClient: hc, Logger: logger, Metrics: brokerMetrics, Links: links,
		OnSignInNeeded: s.signIns.Add,
	}); err != nil {
		return nil, fmt.Errorf("token broker: %w", err)
	}
	if s.consent, err = identity.NewConsent(identity.ConsentOptions{
		Authority: c.AuthorityURL.String(), ClientID: c.ClientID, Credential: cred, Links: links, HTTPClient: hc,
		Broker: s.broker, Logger: logger, DisableInstanceDiscovery: !MicrosoftAuthority(c.AuthorityURL),
	}); err != nil {
		return nil, fmt.Errorf("consent flow: %w", err)
	}
	metrics := upstream.NewMetrics()
	if err := reg.Register(metrics); err != nil {
		return nil, err
	}
	api := upstream.NewClient(upstream.Options{Tokens: s.broker, Audiences: s.registry, Base: hc.Transport,
		AttemptTimeout: c.UpstreamTimeout, Metrics: metrics, Logger: logger})
	s.flows = powerautomate.New(powerautomate.Options{BaseURL: c.FlowAPIURL, HTTP: api, Content: runContent(c, hc, s.registry, localRunHosts)})
	s.overview = powerautomate.NewOverview(s.flows, powerautomate.OverviewOptions{})
	s.apps = powerapps.New(powerapps.Options{BaseURL: c.PowerAppsAPIURL, BAPURL: c.BAPAPIURL, HTTP: api})
	// Activity-feed notifications go out as FlowDeck (app-only, the
	// recipient's tenant): Teams does not deliver one whose sender is its
	// recipient, which a delegated call would make it.
	graphAud, _ := s.registry.Get(identity.Graph)
	feedTokens, err := identity.NewTenantAppTokens(identity.AppTokenOptions{
		Authority: c.AuthorityURL.String(), ClientID: c.ClientID, Credential: cred, HTTPClient: hc,
		Scope: graphAud.DefaultScope(), APIName: "Microsoft Graph", Logger: logger, DisableInstanceDiscovery: !MicrosoftAuthority(c.AuthorityURL),
	})
	if err != nil {
		return nil, fmt.Errorf("graph app-only token: %w", err)
	}
	s.graph = graph.New(graph.Options{BaseURL: c.GraphAPIURL, HTTP: api, AppTokens: feedTokens, AppHTTP: hc})
	s.names = graph.NewNames(graph.NamesOptions{Client: s.graph, Logger: logger})
	s.ops = ops.New(ops.Options{Flows: s.flows, Overview: s.overview, Apps: s.apps, Subscriptions: subs, People: s.names, Portal: Portal(c),
		Chats: store, BotID: c.ClientID, TeamsWeb: TeamsWeb(c), Snapshots: store, Jobs: store, WakeJobs: s.wakeJobs,
		Installer: s.graph, CatalogAppID: c.TeamsCatalogAppID})
	if s.jobs, err = bulkjob.New(bulkjob.Options{Store: store, Runs: s.ops, Logger: logger}); err != nil {
		return nil, fmt.Errorf("bulk jobs: %w", err)
	}
	s.connClock = connClock
	if err := s.newBot(c, store, reg, cred, hc, logger, wrapChannel); err != nil {
		return nil, err
	}
	monitorMetrics, err := monitor.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	if s.monitor, err = monitor.New(monitor.Options{
		Store: store, Source: s.ops, Poster: s.router, Tokens: s.broker, SignIns: s.signIns,
		Interval: c.MonitorInterval, Shards: c.MonitorShards, IdleDays: c.MonitorIdleDays, ReminderAfter: c.ApprovalReminder,
		TabLink: teamsTab(c), Portal: Portal(c), Logger: logger, Metrics: monitorMetrics, Feed: s.graph,
	}); err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	return s, nil
}

// wakeJobs tells the bulk-job worker that a job was made.
func (s *services) wakeJobs() {
	if s.jobs != nil {
		s.jobs.Wake()
	}
}

// serverOptions adds the services' routes to the server options.
func (s *services) serverOptions(o server.Options) server.Options {
	o.Verifier = s.verifier
	o.Account = account{graph: s.graph, broker: s.broker}
	o.Ops = s.ops
	o.SignOut = s.broker.SignOut
	o.Permissions = s.consent
	o.Bot = s.endpoint
	o.RateLimitIP, o.RateLimitUser = s.ipLimit, s.userLimit
	o.Auth = &server.AuthHandlers{
		Start:      http.HandlerFunc(s.consent.Start),
		End:        http.HandlerFunc(s.consent.End),
		Script:     http.HandlerFunc(s.consent.EndScript),
		ScriptPath: s.consent.ScriptPath(),
	}
	return o
}

func (s *services) Close() {
	if s != nil && s.verifier != nil {
		s.verifier.Close()
	}
}

// account answers /api/me from Graph and the broker.
type account struct {
	graph  *graph.Client
	broker *identity.Broker
}

func (a account) Profile(ctx context.Context) (flowdeck.Profile, error) { return a.graph.Me(ctx) }

func (a account) Access(ctx context.Context, p flowdeck.Principal) []flowdeck.Access {
	return a.broker.Access(ctx, p)
}

// runContent configures the reading of run content links (a failed action's
// outputs): the cloud's run-storage hosts, plus the local cloud's run-content
// host when `flowdeck dev` or a test stack runs FlowDeck (never in serve:
// no variable can add a host), through the outbound transport without the
// token layer.
func runContent(c config.Config, hc *http.Client, tokenHosts *identity.Registry, local []string) powerautomate.ContentOptions {
	o := powerautomate.ContentOptions{Hosts: append(powerautomate.RunContentHosts(c.Cloud), local...), TokenHosts: tokenHosts}
	if tr, ok := hc.Transport.(*http.Transport); ok {
		o.Transport = tr
	}
	return o
}

// Portal is the configured cloud's Power Automate portal (internal/cloud's
// table), where every "Open in Power Automate" link points.
func Portal(c config.Config) flowdeck.Portal {
	cl, _ := cloud.Get(c.Cloud)
	return flowdeck.Portal(cl.FlowPortal)
}

// TeamsWeb is the configured cloud's Teams web client (https:// and its
// Teams host), the base of the cards' deep links into the tab.
func TeamsWeb(c config.Config) string {
	return "https://" + BotCloud(c).TeamsHost
}

// Credential is the Entra app's credential: its secret or its certificate.
func Credential(c config.Config) (identity.ClientCredential, error) {
	if c.ClientCertFile != "" {
		pem, err := os.ReadFile(c.ClientCertFile)
		if err != nil {
			return identity.ClientCredential{}, fmt.Errorf("FLOWDECK_CLIENT_CERT_FILE: %w", err)
		}
		return identity.NewCertificateCredential(pem)
	}
	return identity.NewSecretCredential(c.ClientSecret)
}

// derivedKey derives a purpose-bound 32-byte key from the encryption key, so
// one secret is never used for two jobs.
func derivedKey(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
