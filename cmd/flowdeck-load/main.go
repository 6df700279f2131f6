// Command flowdeck-load is FlowDeck's load test from the command line: the
// local cloud and FlowDeck in one process, simulated Teams users acting at
// once, a report of latency, errors and lost replies (internal/loadtest).
// It is a developer's tool, not part of the operator's binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/flowdeck/flowdeck/internal/loadtest"
)

const usage = `Usage: flowdeck-load [flags]  (make load)

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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the flags, runs the load test and prints its report: exit 0
// when it passed, 1 on any error or lost reply, 2 on bad flags.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("flowdeck-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stdout, usage) }
	o := loadtest.Options{}
	fs.IntVar(&o.Users, "users", 500, "")
	fs.DurationVar(&o.Duration, "duration", 60*time.Second, "")
	fs.DurationVar(&o.Think, "think", 12*time.Second, "")
	fs.DurationVar(&o.Drain, "drain", 30*time.Second, "")
	fs.Int64Var(&o.Seed, "seed", 1, "")
	fs.StringVar(&o.Store, "store", "", "")
	level := fs.String("log-level", "warn", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var lv slog.Level
	if fs.NArg() > 0 || o.Users < 1 || o.Duration <= 0 || o.Think <= 0 || o.Drain <= 0 || lv.UnmarshalText([]byte(*level)) != nil {
		fmt.Fprint(stderr, "flowdeck-load: -users, -duration, -think and -drain must be positive, -log-level debug, info, warn or error; no arguments\n")
		return 2
	}
	o.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	o.Progress = func(format string, a ...any) { fmt.Fprintf(stderr, "flowdeck-load: "+format+"\n", a...) }
	res, err := loadtest.Run(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "flowdeck-load: %v\n", err)
		return 1
	}
	res.Write(stdout, loadtest.StoreLabel(o.Store))
	if res.Failed() {
		return 1
	}
	return 0
}
