package localcloud

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// Dev is FlowDeck as `flowdeck dev` composes it, not yet running: Main on
// its local cloud, the dev Teams client mounted at /dev/ (app.Main.Mounts),
// and as the bot endpoint's Authenticator the Playground (unauthenticated
// Agents Playground activities on loopback, signed in as User through the
// ordinary identity path; app.Main.WrapChannel). No production package has
// a dev branch: everything dev adds goes through ordinary options.
type Dev struct {
	// Main is FlowDeck, to Run; Main.Config is the configuration pointed at
	// the local cloud.
	Main *app.Main
	// Cloud is the local cloud; close it after Main.
	Cloud *Cloud
	// User is the demo user everyone is signed in as.
	User demo.User
	// Install greets User in the dev Teams client's chat.
	Install func(context.Context) error
}

// NewDev binds c.Listen (which the caller has checked is loopback), starts
// the local cloud and builds Main.
func NewDev(c config.Config, logger *slog.Logger, version string) (_ *Dev, err error) {
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
	lc, err := Start(&c, logger, nil)
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
	d := &Dev{Cloud: lc, User: demo.Users()[0]}
	var host http.Handler
	if host, d.Install, err = lc.DevHost(&c, d.User); err != nil {
		return nil, fmt.Errorf("the dev Teams client: %w", err)
	}
	d.Main = &app.Main{Config: c, Logger: logger, Version: version, Listener: ln,
		Mounts:          map[string]http.Handler{"/dev/": host},
		RunContentHosts: []string{lc.PowerPlatform.ContentHost()},
		WrapChannel:     lc.Playground(&c, d.User, ln.Addr().String(), logger),
	}
	return d, nil
}
