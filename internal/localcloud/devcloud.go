package localcloud

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/appmanifest"
	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/devhost"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/fakecloud/graph"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/fakecloud/teamshost"
	"github.com/flowdeck/flowdeck/internal/identity"
)

// Cloud is the set of fakes `flowdeck dev` runs FlowDeck against: every
// remote party on loopback, speaking its real protocol over TLS signed by one
// throwaway CA that FlowDeck is told to trust.
type Cloud struct {
	// CA signs every fake's TLS certificate; FlowDeck trusts it.
	CA *fakeca.CA
	// Entra is the fake Entra ID: the directory, tokens, consent.
	Entra *entra.Server
	// PowerPlatform is the fake Power Automate, Power Apps and BAP APIs.
	PowerPlatform *powerplatform.Server
	// Graph is the fake Microsoft Graph.
	Graph *graph.Server
	// Connector is the fake Bot Connector and Teams channel.
	Connector *connector.Server
}

// Start starts the fakes with tenant (nil: the demo tenant), with
// consent granted as an admin would, and points c at them. The CA certificate
// is written to the data folder and named in c.CAFile. Every fake plays
// c.Cloud (default public): its audiences and hosts, and for the Bot
// Framework its channel issuer, connector scope and Entra issuers
// (localcloud_bot.go).
func Start(c *config.Config, logger *slog.Logger, tenant *powerplatform.Tenant) (*Cloud, error) {
	return StartWith(c, logger, tenant, nil)
}

// StartWith is Start with the fake Bot Connector's clock
// (nil: the wall clock), for tests that pace the connector on virtual time.
func StartWith(c *config.Config, logger *slog.Logger, tenant *powerplatform.Tenant, connectorNow func() time.Time) (_ *Cloud, err error) {
	if c.Cloud == "" {
		c.Cloud = cloud.Public
	}
	lc := &Cloud{}
	defer func() {
		if err != nil {
			lc.Close()
		}
	}()
	if lc.CA, err = fakeca.New(); err != nil {
		return nil, err
	}
	// Every fake plays c's cloud: its audiences, hosts and Bot Framework.
	if lc.Entra, err = entra.New(entra.Options{CA: lc.CA, Demo: true, Cloud: c.Cloud, Logger: logger.With("fake", "entra")}); err != nil {
		return nil, fmt.Errorf("fake Entra ID: %w", err)
	}
	lc.Entra.GrantAllDemoConsent()
	if err := lc.Entra.AddRedirectURI(c.ClientID, c.PublicURL.JoinPath("/auth/end").String()); err != nil {
		return nil, fmt.Errorf("fake Entra ID: %w", err)
	}
	if err := lc.Entra.AddAppIDURI(c.ClientID, c.AppIDURI); err != nil {
		return nil, fmt.Errorf("fake Entra ID: %w", err)
	}
	if lc.PowerPlatform, err = powerplatform.New(powerplatform.Options{CA: lc.CA, Keyfunc: lc.Entra.Keyfunc, Tenant: tenant, Cloud: c.Cloud, Logger: logger.With("fake", "powerplatform")}); err != nil {
		return nil, fmt.Errorf("fake Power Platform: %w", err)
	}
	if lc.Graph, err = graph.New(graph.Options{CA: lc.CA, Keyfunc: lc.Entra.Keyfunc, Cloud: c.Cloud, Logger: logger.With("fake", "graph")}); err != nil {
		return nil, fmt.Errorf("fake Graph: %w", err)
	}
	// FlowDeck in the tenant's Teams app catalog: the manifest's id is the
	// client id, the catalog's own id another.
	activities := map[string]string{}
	for _, a := range appmanifest.ActivityTypes() {
		activities[a.Type] = a.TemplateText
	}
	lc.Graph.AddCatalogApp(graph.CatalogApp{ID: demo.TeamsCatalogAppID, ExternalID: c.ClientID, DisplayName: "FlowDeck", ClientID: c.ClientID,
		ActivityTypes: activities})
	c.TeamsCatalogAppID = demo.TeamsCatalogAppID
	bot, err := lc.playBotCloud(c)
	if err != nil {
		return nil, err
	}
	if lc.Connector, err = connector.New(connector.Options{CA: lc.CA, Keyfunc: lc.Entra.Keyfunc, BotID: c.ClientID, Now: connectorNow, Logger: logger.With("fake", "connector"),
		Cloud: bot}); err != nil {
		return nil, fmt.Errorf("fake Bot Connector: %w", err)
	}
	caFile := filepath.Join(c.DataDir, "local-cloud-ca.pem")
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	if err := os.WriteFile(caFile, lc.CA.CertPEM(), 0o600); err != nil {
		return nil, fmt.Errorf("write the local cloud's CA: %w", err)
	}
	c.CAFile = caFile
	set := func(dst **url.URL, raw string) {
		if err == nil {
			*dst, err = url.Parse(raw)
		}
	}
	set(&c.AuthorityURL, lc.Entra.URL())
	set(&c.FlowAPIURL, lc.PowerPlatform.FlowURL())
	set(&c.PowerAppsAPIURL, lc.PowerPlatform.PowerAppsURL())
	set(&c.BAPAPIURL, lc.PowerPlatform.BAPURL())
	set(&c.GraphAPIURL, lc.Graph.URL())
	set(&c.BotOpenIDMetadataURL, lc.Connector.MetadataURL())
	// The fake connector's serviceUrl is on loopback, not on the cloud's
	// Teams hosts: FLOWDECK_BOT_SERVICE_URL_HOSTS as an operator would set it.
	c.BotServiceURLHosts = []string{strings.ToLower(lc.connHost())}
	return lc, err
}

// describe lists the fakes for the start-up banner.
func (lc *Cloud) Describe() string {
	return fmt.Sprintf("  Entra ID:        %s\n  Power Automate:  %s\n  Run content:     %s\n  Power Apps:      %s\n  Graph:           %s\n  Bot Connector:   %s\n",
		lc.Entra.URL(), lc.PowerPlatform.FlowURL(), lc.PowerPlatform.ContentURL(), lc.PowerPlatform.PowerAppsURL(), lc.Graph.URL(), lc.Connector.ServiceURL())
}

// Close stops every fake that started.
func (lc *Cloud) Close() error {
	var errs []error
	if lc.Connector != nil {
		errs = append(errs, lc.Connector.Close())
	}
	if lc.Graph != nil {
		errs = append(errs, lc.Graph.Close())
	}
	if lc.PowerPlatform != nil {
		lc.PowerPlatform.Close()
	}
	if lc.Entra != nil {
		errs = append(errs, lc.Entra.Close())
	}
	return errors.Join(errs...)
}

// devHost builds the dev Teams client served at /dev/: the chat with the bot
// (through the fake Teams client and Bot Connector) beside the fake Teams
// host framing the tab, both signed in as u. install greets u in the chat.
func (lc *Cloud) DevHost(c *config.Config, u demo.User) (h http.Handler, install func(context.Context) error, err error) {
	mint := func(context.Context) (string, error) { return lc.SSOToken(c, u) }
	driver, err := connector.NewDriver(connector.DriverOptions{Server: lc.Connector, BotURL: c.PublicURL.JoinPath("api", "messages").String(), BotName: "FlowDeck",
		LinkDomains: app.ManifestLinkDomains(*c), SSOToken: func(u demo.User) (string, error) { return lc.SSOToken(c, u) },
		Installed: lc.markInstalled})
	if err != nil {
		return nil, nil, err
	}
	teams, err := teamshost.New(teamshost.Options{TabURL: "/", User: u, Token: mint})
	if err != nil {
		return nil, nil, err
	}
	lc.Graph.OnInstall(InstallEvents(driver))
	chat, err := devhost.New(devhost.Options{Driver: driver, Connector: lc.Connector, User: u, TeamsURL: "/dev/teams/", RendererURL: "/vendor/adaptivecards.min.js"})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/teams/", http.StripPrefix("/teams", teams))
	mux.Handle("/", chat)
	return http.StripPrefix("/dev", mux), chat.Install, nil
}

// Playground is the bot endpoint's Authenticator of `flowdeck dev`
// (app.Main.WrapChannel): Agents Playground activities without a token,
// admitted only when FlowDeck listens on listen, a loopback address, come
// from u, signed in through the ordinary identity path with an SSO token the
// fake Entra ID mints (see playground).
func (lc *Cloud) Playground(c *config.Config, u demo.User, listen string, logger *slog.Logger) app.ChannelWrapper {
	return func(channel botframework.Authenticator, sso *identity.Verifier, broker *identity.Broker) (botframework.Authenticator, error) {
		return NewPlayground(PlaygroundOptions{Listen: listen, Channel: channel, User: u,
			Mint: func() (string, error) { return lc.SSOToken(c, u) }, SSO: sso, Tokens: broker, Logger: logger})
	}
}

// ssoToken is the Teams SSO token the fake Entra ID mints for u, as a Teams
// client would get it for FlowDeck's Application ID URI.
func (lc *Cloud) SSOToken(c *config.Config, u demo.User) (string, error) {
	return lc.Entra.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Audience: c.AppIDURI})
}

// InstallEvents is what Teams does when Graph installs FlowDeck for a user:
// the driver sends the bot installationUpdate and conversationUpdate, as
// when the user adds the app.
func InstallEvents(d *connector.Driver) graph.InstallHook {
	return func(ctx context.Context, u demo.User, _ graph.CatalogApp) error {
		res, err := d.Install(ctx, u)
		if err == nil && res.Status/100 != 2 {
			err = fmt.Errorf("the bot answered the install with %d", res.Status)
		}
		return err
	}
}

// markInstalled records in the fake Graph that FlowDeck is installed for u,
// when the driver plays the user adding it in Teams.
func (lc *Cloud) markInstalled(u demo.User) { lc.Graph.MarkInstalled(u.ID, demo.TeamsCatalogAppID) }
