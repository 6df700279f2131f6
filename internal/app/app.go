package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/server"
	"github.com/flowdeck/flowdeck/internal/sqlstore"
)

// Main is one running FlowDeck: the store, the HTTP server and the background
// work, wired from a Config. Tests boot it on 127.0.0.1:0 exactly as
// `flowdeck serve` does.
type Main struct {
	// Config is the validated configuration.
	Config config.Config
	// Logger receives every log line; nil discards them.
	Logger *slog.Logger
	// Version is reported by /healthz.
	Version string
	// Listener, when set, is served instead of listening on Config.Listen
	// (dev binds first to learn its port). Run takes ownership of it.
	Listener net.Listener
	// Mounts are extra handlers the server serves, each under its path
	// prefix ("/dev/"), behind its middleware: `flowdeck dev` mounts its dev
	// Teams client there.
	Mounts map[string]http.Handler
	// WrapChannel, set by `flowdeck dev` (localcloud's playground), composes
	// the bot endpoint's Authenticator around the ordinary channel verifier;
	// nil: the channel verifier.
	WrapChannel ChannelWrapper
	// RunContentHosts are the local cloud's run-content hosts (host:port),
	// accepted for content links besides the cloud's own (dev and test
	// stacks only; serve has no variable for it).
	RunContentHosts []string
	// ConnectorClock, when set (tests), is the time the Bot Connector client
	// paces its calls and waits on; nil is the wall clock.
	ConnectorClock botframework.Clock
	// Background are long-running tasks started by Run and stopped by Close;
	// each must return soon after its context is cancelled.
	Background []func(ctx context.Context) error

	store    *sqlstore.Store
	services *services
	server   *server.Server
	ln       net.Listener
	served   chan error
	bgCancel context.CancelFunc
	bg       sync.WaitGroup
}

// Run opens the store (migrating it), starts listening and serving, and starts
// the background work. It returns once FlowDeck is ready to answer requests;
// serving goes on until Close.
func (m *Main) Run(ctx context.Context) (err error) {
	if m.Logger == nil {
		m.Logger = slog.New(slog.DiscardHandler)
	}
	defer func() {
		if err != nil {
			m.Close()
		}
	}()
	keyring, err := sqlstore.NewKeyring(m.Config.EncryptionKey, m.Config.EncryptionOldKeys...)
	if err != nil {
		return fmt.Errorf("encryption key: %w", err)
	}
	m.store, err = sqlstore.Open(ctx, sqlstore.Options{URL: m.Config.DatabaseURL, Keyring: keyring, Logger: m.Logger})
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if m.services, err = newServices(ctx, m.Config, m.store, registry, m.Logger, m.WrapChannel, m.RunContentHosts, m.ConnectorClock); err != nil {
		return err
	}
	m.server, err = server.New(m.services.serverOptions(server.Options{
		Logger:         m.Logger,
		Version:        m.Version,
		RequestTimeout: m.Config.RequestTimeout,
		// The cloud's Teams, Outlook and Microsoft 365 hosts frame the tab.
		TeamsFrameAncestors: BotCloud(m.Config).FrameAncestors,
		TrustedProxies:      m.Config.TrustedProxies,
		Ready:               m.services.ready.check,
		Registry:            registry,
		Mounts:              mounts(m.Mounts),
	}))
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	if m.ln = m.Listener; m.ln == nil {
		if m.ln, err = net.Listen("tcp", m.Config.Listen); err != nil {
			return fmt.Errorf("listen on %s: %w", m.Config.Listen, err)
		}
	}
	m.served = make(chan error, 1)
	srv, ln := m.server, m.ln
	go func() { m.served <- srv.Serve(ln) }()

	bgCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.bgCancel = cancel
	for _, task := range m.Background {
		m.bg.Add(1)
		go func() {
			defer m.bg.Done()
			if err := task(bgCtx); err != nil && !errors.Is(err, context.Canceled) {
				m.Logger.ErrorContext(bgCtx, "background task stopped", "err", err)
			}
		}()
	}
	m.services.monitor.Start()
	m.services.jobs.Start()
	m.Logger.InfoContext(ctx, "flowdeck ready", "addr", m.URL(), "store", m.store.Dialect(), "version", m.Version)
	return nil
}

// URL is the base URL FlowDeck answers on (http://host:port of the listener).
func (m *Main) URL() string {
	if m.ln == nil {
		return ""
	}
	return "http://" + m.ln.Addr().String()
}

// Served reports the HTTP server stopping on its own (an error), or after Close (nil).
func (m *Main) Served() <-chan error { return m.served }

// Close drains in-flight requests, stops the background work and closes the
// store, all within Config.ShutdownTimeout. It is safe to call more than once.
func (m *Main) Close() error {
	timeout := m.Config.ShutdownTimeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	if m.server != nil {
		if err := m.server.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("drain requests: %w", err))
		}
		m.server = nil
	}
	if m.bgCancel != nil {
		m.bgCancel()
		done := make(chan struct{})
		go func() { m.bg.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("background work did not stop within %s", timeout))
		}
		m.bgCancel = nil
	}
	if m.services != nil && m.services.monitor != nil {
		if err := m.services.monitor.Close(); err != nil {
			errs = append(errs, fmt.Errorf("stop the monitor: %w", err))
		}
	}
	if m.services != nil && m.services.jobs != nil {
		if err := m.services.jobs.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("bulk jobs in flight: %w", err))
		}
	}
	if m.services != nil && m.services.bot != nil {
		if err := m.services.bot.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("bot replies in flight: %w", err))
		}
	}
	if m.services != nil && m.services.router != nil {
		if err := m.services.router.Close(ctx); err != nil {
			errs = append(errs, fmt.Errorf("card updates in flight: %w", err))
		}
	}
	if m.services != nil && m.services.ops != nil {
		if err := m.services.ops.CloseRefreshes(ctx); err != nil {
			errs = append(errs, fmt.Errorf("search snapshot refreshes in flight: %w", err))
		}
	}
	m.services.Close()
	m.services = nil
	if m.store != nil {
		if err := m.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close store: %w", err))
		}
		m.store = nil
	}
	return errors.Join(errs...)
}

// mounts are the server's Mounts of m.Mounts, by prefix.
func mounts(m map[string]http.Handler) []server.Mount {
	out := make([]server.Mount, 0, len(m))
	for _, prefix := range slices.Sorted(maps.Keys(m)) {
		out = append(out, server.Mount{Prefix: prefix, Handler: m[prefix]})
	}
	return out
}
