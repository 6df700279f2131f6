package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/server"
)

var devUsage = `Usage: flowdeck dev [flags]

Runs FlowDeck on its local cloud: no tenant, no secrets. It listens on
127.0.0.1:3978 (loopback only), keeps its embedded database in the data folder
(./data), generates an encryption key there on first start (dev-encryption.key,
mode 0600) and signs everyone in as the demo tenant Contoso. Ctrl-C stops it.

Flags:
` + configFlagsUsage + "\n" + config.Usage()

func runDev(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("dev", devUsage, e)
	o := configFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	c, code, ok := loadConfig(o, e, config.Dev, "dev")
	if !ok {
		return code
	}
	if err := devConfig(&c); err != nil {
		fmt.Fprintf(e.stderr, "flowdeck dev: %v\n", err)
		return exitUsage
	}
	key, created, err := devKey(c.DataDir)
	if err != nil {
		fmt.Fprintf(e.stderr, "flowdeck dev: %v\n", err)
		return exitFailure
	}
	if c.EncryptionKey == nil {
		c.EncryptionKey = key
	}
	logger := newLogger(c, e.stderr)
	if created {
		logger.Info("generated a dev encryption key", "file", devKeyPath(c.DataDir))
	}
	d, err := newDevApp(c, logger)
	if err != nil {
		fmt.Fprintf(e.stderr, "flowdeck dev: %v\n", err)
		return exitFailure
	}
	defer d.cloud.Close()
	m, lc, adele, install := d.main, d.cloud, d.user, d.install
	c = m.Config
	return serveUntilDone(ctx, m, e, func() {
		if err := install(ctx); err != nil {
			logger.Warn("dev: the bot did not greet the demo user", "err", err)
		}
		if err := lc.seedDemo(ctx, &c, m, adele); err != nil {
			logger.Warn("dev: the demo watch and approval were not set up", "err", err)
		}
		fmt.Fprintf(e.stdout, "FlowDeck is running on its local cloud (demo tenant Contoso, signed in as Adele Vance).\n"+
			"  Open:    %[1]s/dev/   (chat with the bot, the personal tab beside it)\n  Tab:     %[1]s/dev/teams/\n  Health:  %[1]s/healthz\n"+
			"  Within a minute the monitor posts a new approval into the chat: answer it from its card.\n"+
			"  Bot endpoint for the Agents Playground: %[1]s/api/messages\nLocal cloud:\n%[2]sPress Ctrl-C to stop.\n", m.URL(), lc.describe())
	})
}

// devApp is FlowDeck as `flowdeck dev` composes it, not yet running: Main
// on its local cloud, the dev Teams client mounted at /dev/, and the bot
// endpoint's Authenticator the playground (unauthenticated Agents Playground
// activities on loopback, signed in as user through the ordinary identity
// path).
type devApp struct {
	main  *Main
	cloud *localCloud
	user  demo.User
	// install greets user in the dev Teams client's chat.
	install func(context.Context) error
}

// newDevApp binds c.Listen, starts the local cloud and builds Main. The
// caller runs Main and closes the cloud after Main.
func newDevApp(c config.Config, logger *slog.Logger) (_ *devApp, err error) {
	// Bind first: the public URL (and the sign-in redirect registered at the
	// fake Entra ID) must carry the real port when --listen asks for port 0.
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", c.Listen, err)
	}
	if c.PublicURL.Port() == "0" {
		c.PublicURL.Host = ln.Addr().String()
		c.AppIDURI = fmt.Sprintf("api://%s/botid-%s", c.PublicURL.Host, c.ClientID)
	}
	lc, err := startLocalCloud(&c, logger, nil)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("start the local cloud: %w", err)
	}
	defer func() {
		if err != nil {
			ln.Close()
			lc.Close()
		}
	}()
	// The Agents Playground's connector is http://localhost:{port}/_connector.
	c.BotServiceURLHosts = append(c.BotServiceURLHosts, "localhost")
	d := &devApp{cloud: lc, user: demo.Users()[0]}
	var host http.Handler
	if host, d.install, err = lc.devHost(&c, d.user); err != nil {
		return nil, fmt.Errorf("the dev Teams client: %w", err)
	}
	listen := ln.Addr().String()
	d.main = &Main{Config: c, Logger: logger, Version: version, Listener: ln,
		Mounts:        []server.Mount{{Prefix: "/dev/", Handler: host}},
		localRunHosts: []string{lc.pp.ContentHost()},
		wrapChannel: func(channel botframework.Authenticator, sso ssoVerifier, tokens signInTokens) (botframework.Authenticator, error) {
			return newPlayground(playgroundOptions{Listen: listen, Channel: channel, User: d.user,
				Mint: func() (string, error) { return lc.ssoToken(&c, d.user) }, SSO: sso, Tokens: tokens, Logger: logger})
		},
	}
	return d, nil
}

// devConfig fills in the demo tenant and app and refuses anything but loopback:
// the demo credentials are public, so a dev server must never be reachable
// from another machine.
func devConfig(c *config.Config) error {
	host, port, err := net.SplitHostPort(c.Listen)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", c.Listen, err)
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !addr.IsLoopback() {
		return fmt.Errorf("dev listens on loopback only (127.0.0.1 or ::1), not %q: its demo credentials are public", c.Listen)
	}
	c.Listen = net.JoinHostPort(host, port)
	if c.PublicURL == nil {
		c.PublicURL = &url.URL{Scheme: "http", Host: c.Listen}
	}
	if c.TenantID == "" {
		c.TenantID = demo.TenantID
		c.AllowedTenants = []string{demo.TenantID}
	}
	if c.ClientID == "" {
		c.ClientID = demo.ClientID
		c.ClientSecret = demo.ClientSecret
	}
	if c.AppIDURI == "" {
		c.AppIDURI = fmt.Sprintf("api://%s/botid-%s", c.PublicURL.Host, c.ClientID)
	}
	return nil
}
