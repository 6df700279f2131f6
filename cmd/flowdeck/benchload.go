package main

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
)

const benchUsage = `Usage: flowdeck bench load [flags]

Load-tests FlowDeck in this process: it starts the local cloud of fakes
(Entra ID minting real signed tokens, Power Platform, Graph, Bot Connector)
and FlowDeck in serve mode (channel tokens verified), then simulated Teams
users act at once for a while. Each first signs in through the bot
(signin/tokenExchange) and finds an approval card in its chat; then, after a
pause around -think each time, it types a command (help, flows, approvals,
envs, failed, runs <flow>), presses a card button (refresh or answer its
approval, More on a flows list) or calls the tab API (me, flows, approvals,
dashboard, environments) with its Teams SSO token, 40/30/30.

Afterwards it waits for the reply of every message FlowDeck accepted at the
fake Bot Connector and prints per kind the count, the errors and the p50, p95,
p99 and max latency, the throughput and the lost replies. An error is a non-2xx
answer, a transport error, an invoke answer with an error statusCode, a tab
call that is not 200, or an answer (reply or card) that is an error card, a
partial answer or a sign-in card. It exits 1 on any error or lost reply.

Flags:
  -users N       simulated users (default 500)
  -duration D    how long they act (default 60s)
  -think D       a user's mean pause between actions, uniform ±50 % (default 12s:
                 500 users of one tenant then ask for about 40 connector calls a
                 second, under Teams' 50 per bot per tenant; at less, replies
                 queue behind that limit and the run measures Teams, not FlowDeck)
  -drain D       how long to wait for the last replies (default 30s)
  -store URL     SQLite path or postgres:// URL (default: a SQLite file in a
                 temporary folder, removed afterwards); it should be empty
  -seed N        seed of the tenant and the users' choices (default 1)
  -log-level L   FlowDeck's and the fakes' log lines on stderr: debug, info,
                 warn or error (default warn)
`

// runBench runs a benchmark subcommand; load is the only one.
func runBench(ctx context.Context, args []string, e env) int {
	if len(args) > 0 && args[0] == "load" {
		return runBenchLoad(ctx, args[1:], e)
	}
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(e.stdout, benchUsage)
		return exitOK
	}
	fmt.Fprint(e.stderr, benchUsage)
	return exitUsage
}

func runBenchLoad(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("bench load", benchUsage, e)
	users := fs.Int("users", 500, "")
	o := loadOptions{}
	fs.DurationVar(&o.Duration, "duration", 60*time.Second, "")
	fs.DurationVar(&o.Think, "think", 12*time.Second, "")
	fs.DurationVar(&o.Drain, "drain", 30*time.Second, "")
	fs.Int64Var(&o.Seed, "seed", 1, "")
	store := fs.String("store", "", "")
	level := fs.String("log-level", "warn", "")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	var lv slog.Level
	if *users < 1 || o.Duration <= 0 || o.Think <= 0 || o.Drain <= 0 || lv.UnmarshalText([]byte(*level)) != nil {
		fmt.Fprint(e.stderr, "flowdeck bench load: -users, -duration, -think and -drain must be positive, -log-level debug, info, warn or error\n")
		return exitUsage
	}
	dir, err := os.MkdirTemp("", "flowdeck-bench-load-")
	if err != nil {
		fmt.Fprintf(e.stderr, "flowdeck bench load: %v\n", err)
		return exitFailure
	}
	defer os.RemoveAll(dir)
	c, err := benchLoadConfig(dir, *store)
	if err != nil {
		fmt.Fprintf(e.stderr, "flowdeck bench load: %v\n", err)
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: lv}))
	progress := func(format string, a ...any) { fmt.Fprintf(e.stderr, "bench load: "+format+"\n", a...) }

	progress("starting the local cloud and FlowDeck (%d users in the directory)", *users)
	so := loadStackOptions(*users, o.Seed)
	so.Config, so.Logger = c, logger
	s, err := startStack(ctx, so)
	if err != nil {
		fmt.Fprintf(e.stderr, "flowdeck bench load: %v\n", err)
		return exitFailure
	}
	defer s.Close()
	d, err := newLoadDriver(s, *users)
	if err != nil {
		fmt.Fprintf(e.stderr, "flowdeck bench load: %v\n", err)
		return exitFailure
	}
	progress("signing %d users in and posting their approval cards", *users)
	lus, err := prepareLoad(ctx, s, d, so.Users, so.Tenant)
	if err != nil {
		fmt.Fprintf(e.stderr, "flowdeck bench load: %v\n", err)
		return exitFailure
	}
	progress("running for %s, then waiting up to %s for the replies", o.Duration, o.Drain)
	res := runLoad(ctx, s, d, lus, o)
	res.Write(e.stdout, storeLabel(*store))
	if res.Failed() {
		return exitFailure
	}
	return exitOK
}

// benchLoadConfig is the configuration of the load test's FlowDeck: serve
// mode with a throwaway encryption key, its data in dir, on store (""
// is a SQLite file in dir). The stack replaces the identity and upstream
// settings with the local cloud's.
func benchLoadConfig(dir, store string) (config.Config, error) {
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

// storeLabel names the store in the report, without a password.
func storeLabel(store string) string {
	if store == "" {
		return "SQLite (temporary file)"
	}
	if u, err := url.Parse(store); err == nil && strings.HasPrefix(u.Scheme, "postgres") {
		return "PostgreSQL " + u.Redacted()
	}
	return "SQLite " + store
}

// loadStackOptions are the directory and the tenant of a load test of n users.
func loadStackOptions(n int, seed int64) stackOptions {
	users := loadUserIDs(n)
	return stackOptions{Users: users, Tenant: loadTenantFor(users, seed)}
}

// newLoadDriver returns a Teams client driver for s that keeps a connection
// per user, as the Teams channel keeps its connections to a bot open.
func newLoadDriver(s *stack, users int) (*connector.Driver, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = 0, max(256, users)
	return connector.NewDriver(connector.DriverOptions{Server: s.cloud.conn, BotURL: s.config.PublicURL.JoinPath("api", "messages").String(),
		BotName: "FlowDeck", HTTPClient: &http.Client{Transport: tr, Timeout: 30 * time.Second}})
}
