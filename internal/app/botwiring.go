package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flowdeck/flowdeck/internal/bot"
	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/identity"
)

// ChannelWrapper, when set (`flowdeck dev`: localcloud's playground),
// composes the bot endpoint's Authenticator around the ordinary channel
// verifier, with the ordinary SSO verifier and token broker.
type ChannelWrapper func(channel botframework.Authenticator, sso *identity.Verifier, broker *identity.Broker) (botframework.Authenticator, error)

// BotCloud is the Bot Framework side of c's cloud: the channel issuer, the
// connector scope, the Entra issuers and service tenants, the Teams host and
// frame ancestors (the serviceUrl hosts and the metadata URL are in c, which
// may override them). config.Load has checked the cloud's name.
func BotCloud(c config.Config) cloud.Cloud {
	cl, _ := cloud.Get(c.Cloud)
	return cl
}

// teamsTab is the deep link to the personal tab's dashboard in c's cloud's Teams.
func teamsTab(c config.Config) cards.TabLink {
	return cards.TeamsTabLink(TeamsWeb(c), c.ClientID, "dashboard")
}

// newBot wires the Bot Framework channel: inbound verification, the
// connector client with the bot's app-only token, the card actions and the
// bot itself, behind the /api/messages endpoint. Every cloud-specific value
// comes from the cloud table through botCloud and c.
func (s *services) newBot(c config.Config, store flowdeck.Store, reg prometheus.Registerer, cred identity.ClientCredential, hc *http.Client, logger *slog.Logger, wrap ChannelWrapper) error {
	bc := BotCloud(c)
	var err error
	if s.appToken, err = identity.NewAppTokenSource(identity.AppTokenOptions{
		Authority: c.AuthorityURL.String(), TenantID: c.TenantID, ClientID: c.ClientID, Credential: cred,
		HTTPClient: hc, Scope: bc.BotScope, Logger: logger, DisableInstanceDiscovery: !MicrosoftAuthority(c.AuthorityURL),
	}); err != nil {
		return fmt.Errorf("bot token: %w", err)
	}
	if s.channel, err = botframework.NewChannelVerifier(botframework.VerifierOptions{
		AppID: c.ClientID, OpenIDMetadataURL: c.BotOpenIDMetadataURL.String(), ChannelIssuer: bc.BotChannelIssuer,
		TenantID: c.TenantID, ServiceTenants: bc.BotServiceTenants,
		EntraV1Issuer: bc.EntraV1Issuer, EntraV2Issuer: bc.EntraV2Issuer,
		TenantMetadataURL: c.Authority(c.TenantID) + "/v2.0/.well-known/openid-configuration",
		ServiceURLHosts:   c.BotServiceURLHosts,
		HTTPClient:        hc, Logger: logger,
	}); err != nil {
		return fmt.Errorf("channel verifier: %w", err)
	}
	if s.conn, err = botframework.NewClient(botframework.ClientOptions{TokenSource: s.appToken, HTTPClient: hc, Logger: logger,
		ServiceURLHosts: c.BotServiceURLHosts, Clock: s.connClock}); err != nil {
		return fmt.Errorf("connector client: %w", err)
	}
	tab := teamsTab(c)
	o := bot.Options{
		Ops: s.ops, Tokens: s.broker, SSO: s.verifier, Consent: s.consent, Connector: s.conn,
		Conversations: store, Dedupe: store, AppIDURI: c.AppIDURI, BotID: c.ClientID, TabLink: tab, Portal: Portal(c),
		PortalHosts: PortalHosts(c), Logger: logger,
		// Room for a command's few upstream calls, each within its own deadline.
		CommandTimeout: 3 * c.UpstreamTimeout,
	}
	if s.bot, err = bot.New(o); err != nil {
		return fmt.Errorf("bot: %w", err)
	}
	// The card-action router depends on the bot (pick and More re-run its
	// commands), never the other way round: the endpoint hands it the
	// adaptiveCard/action invokes and the bot everything else.
	cardMetrics, err := cardaction.NewMetrics(reg)
	if err != nil {
		return fmt.Errorf("card action metrics: %w", err)
	}
	if s.router, err = cardaction.New(cardaction.Options{
		Ops: s.ops, Tokens: s.broker, Connector: s.conn, Cards: store, Idempotency: store, Subscriptions: store,
		Commands: s.bot, TabLink: tab, Portal: Portal(c), BotID: c.ClientID, AppIDURI: c.AppIDURI, Logger: logger,
		Metrics: cardMetrics, UpdateTimeout: c.UpstreamTimeout,
		SignInURL: func(p flowdeck.Principal) string {
			u, _ := s.consent.StartURL(p, p.UPN, nil, "")
			return u
		},
		SignIn:            s.cardSignIn,
		ExplainPermission: s.consent.ExplainMissingPermission,
	}); err != nil {
		return fmt.Errorf("card actions: %w", err)
	}
	var auth botframework.Authenticator = s.channel
	if wrap != nil {
		if auth, err = wrap(s.channel, s.verifier, s.broker); err != nil {
			return fmt.Errorf("bot endpoint: %w", err)
		}
	}
	if s.endpoint, err = botframework.NewEndpoint(botframework.EndpointOptions{
		Verifier: auth, Handler: s.bot, CardActions: s.router, Logger: logger,
		Activities: store, AllowedTenants: c.AllowedTenants,
	}); err != nil {
		return fmt.Errorf("bot endpoint: %w", err)
	}
	return nil
}

// cardSignIn signs a user in from inside a card (Universal Actions' silent
// SSO): the token must verify and name the user who pressed the button.
func (s *services) cardSignIn(ctx context.Context, p flowdeck.Principal, ssoToken string) error {
	who, err := s.verifier.Principal(ctx, ssoToken)
	if err != nil {
		return err
	}
	if who.TenantID != p.TenantID || who.UserID != p.UserID {
		return flowdeck.Errorf(flowdeck.ErrUnauthenticated, "That sign-in belongs to someone else.")
	}
	results, err := s.broker.Exchange(ctx, who, flowdeck.NewAssertion(ssoToken))
	if err != nil {
		return err
	}
	return results[identity.Flow]
}
