// Package loadtest is FlowDeck's load test: simulated Teams users sign in
// through the bot, then type commands, press card buttons and call the tab
// API at once against FlowDeck in serve mode on its local cloud
// (internal/localcloud's Stack), and the run reports latency per kind of
// traffic, errors and lost replies. cmd/flowdeck-load runs it from the
// command line (`make load`); TestLoadShort runs its short form in make test.
package loadtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// Options shape a load test.
type Options struct {
	// Users is how many simulated users act.
	Users int
	// Duration is how long they act.
	Duration time.Duration
	// Think is a user's mean pause between two actions (uniform ±50 %).
	Think time.Duration
	// Drain bounds the wait for the last replies.
	Drain time.Duration
	// Seed makes the tenant and the users' choices reproducible.
	Seed int64
	// Store is a SQLite path or postgres:// URL; "" is a SQLite file in a
	// temporary folder, removed afterwards. It should be empty.
	Store string
	// Logger receives FlowDeck's and the fakes' log lines (nil: discarded).
	Logger *slog.Logger
	// Progress, when set, is told what the run is doing.
	Progress func(format string, a ...any)
}

// Run starts the local cloud and FlowDeck, signs the users in and posts
// their approval cards, lets them act for o.Duration and waits for the
// replies. The result tells whether the run failed (an error or a lost
// reply); err is a run that could not take place.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Users < 1 || o.Duration <= 0 || o.Think <= 0 || o.Drain <= 0 {
		return nil, fmt.Errorf("users, duration, think and drain must be positive")
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string, ...any) {}
	}
	dir, err := os.MkdirTemp("", "flowdeck-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	c, err := Config(dir, o.Store)
	if err != nil {
		return nil, err
	}
	progress("starting the local cloud and FlowDeck (%d users in the directory)", o.Users)
	so := loadStackOptions(o.Users, o.Seed)
	so.Config, so.Logger = c, o.Logger
	s, err := localcloud.StartStack(ctx, so)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	d, err := newLoadDriver(s, o.Users)
	if err != nil {
		return nil, err
	}
	progress("signing %d users in and posting their approval cards", o.Users)
	lus, err := prepareLoad(ctx, s, d, so.Users, so.Tenant)
	if err != nil {
		return nil, err
	}
	progress("running for %s, then waiting up to %s for the replies", o.Duration, o.Drain)
	return runLoad(ctx, s, d, lus, loadOptions{Duration: o.Duration, Think: o.Think, Drain: o.Drain, Seed: o.Seed}), nil
}

// Config is the configuration of the load test's FlowDeck: serve
// mode with a throwaway encryption key, its data in dir, on store (""
// is a SQLite file in dir). The stack replaces the identity and upstream
// settings with the local cloud's.
func Config(dir, store string) (config.Config, error) {
	key := make([]byte, 32)
	rand.Read(key)
	if store == "" {
		store = filepath.Join(dir, "flowdeck.db")
	}
	vars := map[string]string{
		"FLOWDECK_LISTEN":           "127.0.0.1:0",
		"FLOWDECK_PUBLIC_URL":       "http://127.0.0.1",
		"FLOWDECK_TENANT_ID":        "72f988bf-86f1-41af-91ab-2d7cd011db47",
		"FLOWDECK_CLIENT_ID":        "5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b",
		"FLOWDECK_CLIENT_SECRET":    "bench-load",
		"FLOWDECK_ENCRYPTION_KEY":   base64.StdEncoding.EncodeToString(key),
		"FLOWDECK_DATA_DIR":         dir,
		"FLOWDECK_DATABASE_URL":     store,
		"FLOWDECK_SHUTDOWN_TIMEOUT": "10s",
		// The per-address limit guards against one client flooding FlowDeck.
		// Here every simulated user calls from 127.0.0.1, which no two Teams
		// users share, so it is off. The per-user limit keeps its default,
		// and the users pace themselves far below it (-think).
		"FLOWDECK_RATE_LIMIT_IP": "off",
	}
	return config.Load(func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}, config.Serve)
}

// StoreLabel names the store in the report, without a password.
func StoreLabel(store string) string {
	if store == "" {
		return "SQLite (temporary file)"
	}
	if u, err := url.Parse(store); err == nil && strings.HasPrefix(u.Scheme, "postgres") {
		return "PostgreSQL " + u.Redacted()
	}
	return "SQLite " + store
}

// loadStackOptions are the directory and the tenant of a load test of n users.
func loadStackOptions(n int, seed int64) localcloud.StackOptions {
	users := Users(n)
	return localcloud.StackOptions{Users: users, Tenant: loadTenantFor(users, seed)}
}

// newLoadDriver returns a Teams client driver for s that keeps a connection
// per user, as the Teams channel keeps its connections to a bot open.
func newLoadDriver(s *localcloud.Stack, users int) (*connector.Driver, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 0, max(256, users)
	return connector.NewDriver(connector.DriverOptions{Server: s.Cloud.Connector, BotURL: s.Config.PublicURL.JoinPath("api", "messages").String(),
		BotName: "FlowDeck", HTTPClient: &http.Client{Transport: tr, Timeout: 30 * time.Second}})
}
