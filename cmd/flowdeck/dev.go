package main

import (
	"github.com/flowdeck/flowdeck/internal/localcloud"

	"github.com/flowdeck/flowdeck/internal/app"

	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"

	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
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
	logger := app.NewLogger(c, e.stderr)
	if created {
		logger.Info("generated a dev encryption key", "file", devKeyPath(c.DataDir))
	}
	// Bind first: the public URL (and the sign-in redirect registered at the
	// fake Entra ID) must carry the real port when --listen asks for port 0.
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		fmt.Fprintf(e.stderr, "flowdeck dev: listen on %s: %v\n", c.Listen, err)
		return exitFailure
	}
	if c.PublicURL.Port() == "0" {
		c.PublicURL.Host = ln.Addr().String()
		c.AppIDURI = fmt.Sprintf("api://%s/botid-%s", c.PublicURL.Host, c.ClientID)
	}
	lc, err := localcloud.Start(&c, logger, nil)
	if err != nil {
		ln.Close()
		fmt.Fprintf(e.stderr, "flowdeck dev: start the local cloud: %v\n", err)
		return exitFailure
	}
	defer lc.Close()
	// The Agents Playground's connector is http://localhost:{port}/_connector.
	c.BotServiceURLHosts = append(c.BotServiceURLHosts, "localhost")
	adele := demo.Users()[0]
	host, install, err := lc.DevHost(&c, adele)
	if err != nil {
		ln.Close()
		fmt.Fprintf(e.stderr, "flowdeck dev: the dev Teams client: %v\n", err)
		return exitFailure
	}
	m := &app.Main{Config: c, Logger: logger, Version: version, Dev: true, Listener: ln, DevHost: host, DevBot: lc.DevSignIn(&c, adele),
		RunContentHosts: []string{lc.PowerPlatform.ContentHost()}}
	return serveUntilDone(ctx, m, e, func() {
		if err := install(ctx); err != nil {
			logger.Warn("dev: the bot did not greet the demo user", "err", err)
		}
		if err := lc.SeedDemo(ctx, &c, m, adele); err != nil {
			logger.Warn("dev: the demo watch and approval were not set up", "err", err)
		}
		fmt.Fprintf(e.stdout, "FlowDeck is running on its local cloud (demo tenant Contoso, signed in as Adele Vance).\n"+
			"  Open:    %[1]s/dev/   (chat with the bot, the personal tab beside it)\n  Tab:     %[1]s/dev/teams/\n  Health:  %[1]s/healthz\n"+
			"  Within a minute the monitor posts a new approval into the chat: answer it from its card.\n"+
			"  Bot endpoint for the Agents Playground: %[1]s/api/messages\nLocal cloud:\n%[2]sPress Ctrl-C to stop.\n", m.URL(), lc.Describe())
	})
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
