package localcloud

import (
	"github.com/flowdeck/flowdeck/internal/app"

	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// StackOptions shape a stack.
type StackOptions struct {
	// Config is the base configuration: its store, encryption key, timeouts,
	// limits and monitor settings are kept; the listener, public URL, app
	// identity and every upstream URL are the stack's own.
	Config config.Config
	// Tenant is the Power Platform state (nil: the demo tenant).
	Tenant *powerplatform.Tenant
	// Users join the demo users in the fake Entra ID's directory; the
	// tenant-wide consent covers them.
	Users []demo.User
	// Logger receives FlowDeck's and the fakes' logs (nil: discarded).
	Logger *slog.Logger
	// ClientCertificate makes FlowDeck authenticate to Entra ID with a
	// certificate only (FLOWDECK_CLIENT_CERT_FILE); the app's secret is removed.
	ClientCertificate bool
	// Cloud is the Microsoft cloud FlowDeck runs as and the local cloud's
	// Bot Framework plays ("": the base configuration's, public by default).
	Cloud string
	// TokenForm is the form of the driver's channel tokens (default the
	// Bot Framework issuer's).
	TokenForm connector.TokenForm
	// ConnectorClock, when set, is the time of both FlowDeck's Bot
	// Connector client (its rate limits and retries wait on it) and the
	// fake Bot Connector (its rate limits count on it).
	ConnectorClock botframework.Clock
}

// stack is FlowDeck as `serve` runs it — channel tokens verified, no dev
// shortcuts — on loopback, against the whole local cloud, with a Teams client
// driver that signs activities as the Bot Connector does. The load test and
// the end-to-end fault and security tests drive it.
type Stack struct {
	// Cloud is the local cloud FlowDeck runs against.
	Cloud *Cloud
	// Main is the running FlowDeck.
	Main *app.Main
	// Driver plays the Teams client, signing activities as the Bot Connector does.
	Driver *connector.Driver
	// Config is FlowDeck's configuration, pointed at the local cloud.
	Config config.Config
	// HTTP is the client of the driver and the tests (see StartStack).
	HTTP *http.Client
}

// StartStack starts the local cloud and FlowDeck on 127.0.0.1 on a free port;
// Close stops both.
func StartStack(ctx context.Context, o StackOptions) (_ *Stack, err error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := o.Config
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	c.Listen = ln.Addr().String()
	c.PublicURL = &url.URL{Scheme: "http", Host: c.Listen}
	c.TenantID, c.ClientID, c.ClientSecret, c.ClientCertFile = demo.TenantID, demo.ClientID, demo.ClientSecret, ""
	if len(c.AllowedTenants) == 0 {
		c.AllowedTenants = []string{demo.TenantID}
	}
	c.AppIDURI = fmt.Sprintf("api://%s/botid-%s", c.PublicURL.Host, c.ClientID)
	if o.Cloud != "" {
		c.Cloud = o.Cloud
	}
	s := &Stack{}
	defer func() {
		if err != nil {
			s.Close()
			ln.Close()
		}
	}()
	var connectorNow func() time.Time
	if o.ConnectorClock != nil {
		connectorNow = o.ConnectorClock.Now
	}
	if s.Cloud, err = StartWith(&c, logger, o.Tenant, connectorNow); err != nil {
		return nil, fmt.Errorf("start the local cloud: %w", err)
	}
	for _, u := range o.Users {
		if err := s.Cloud.Entra.AddUser(u); err != nil {
			return nil, fmt.Errorf("add %s to the directory: %w", u.Name, err)
		}
	}
	if o.ClientCertificate {
		if err := s.Cloud.useCertificate(&c); err != nil {
			return nil, fmt.Errorf("certificate credential: %w", err)
		}
	}
	s.Config = c
	// The driver and the tests share one transport, so that Close can close
	// its idle connections before FlowDeck shuts down: a connection dialled
	// for a request that then went out on another one is idle for the client
	// but new for the server, which waits 5 s for it to send a request.
	s.HTTP = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	s.Driver, err = connector.NewDriver(connector.DriverOptions{Server: s.Cloud.Connector, BotURL: c.PublicURL.JoinPath("api", "messages").String(), BotName: "FlowDeck",
		HTTPClient: &http.Client{Transport: s.HTTP.Transport, Timeout: 30 * time.Second}, TokenForm: o.TokenForm,
		// The manifest's link domains, and Teams' SSO for the message extension.
		LinkDomains: app.ManifestLinkDomains(c), SSOToken: s.SSOToken,
		Installed: s.Cloud.markInstalled})
	if err != nil {
		return nil, err
	}
	s.Cloud.Graph.OnInstall(InstallEvents(s.Driver))
	s.Main = &app.Main{Config: c, Logger: logger, Version: "test", Listener: ln, RunContentHosts: []string{s.Cloud.PowerPlatform.ContentHost()},
		ConnectorClock: o.ConnectorClock}
	if err := s.Main.Run(ctx); err != nil {
		s.Main = nil // Run closed what it opened, the listener included
		return nil, err
	}
	return s, nil
}

// URL is FlowDeck's base URL.
func (s *Stack) URL() string { return s.Main.URL() }

// ssoToken is the Teams SSO token the fake Entra ID mints for u, as the Teams
// client gets it for FlowDeck's Application ID URI.
func (s *Stack) SSOToken(u demo.User) (string, error) {
	return s.Cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Audience: s.Config.AppIDURI})
}

// Close stops FlowDeck, then the local cloud.
func (s *Stack) Close() error {
	var errs []error
	if s.HTTP != nil {
		s.HTTP.CloseIdleConnections()
	}
	if s.Main != nil {
		errs = append(errs, s.Main.Close())
	}
	if s.Cloud != nil {
		errs = append(errs, s.Cloud.Close())
	}
	return errors.Join(errs...)
}
