package main

import (
	"github.com/flowdeck/flowdeck/internal/app"

	"context"
	"fmt"

	"github.com/flowdeck/flowdeck/internal/config"
)

var serveUsage = `Usage: flowdeck serve [flags]

Runs FlowDeck: the Teams bot endpoint (/api/messages), the personal tab and its
API, the action cards and the background monitor. Configuration comes from the
environment; flags override it locally. Every problem in the configuration is
reported at once and nothing starts (exit status 2).

SIGINT or SIGTERM drains in-flight requests and stops background work within
FLOWDECK_SHUTDOWN_TIMEOUT.

Flags:
` + configFlagsUsage + "\n" + config.Usage()

func runServe(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("serve", serveUsage, e)
	o := configFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	c, code, ok := loadConfig(o, e, config.Serve, "serve")
	if !ok {
		return code
	}
	m := &app.Main{Config: c, Logger: app.NewLogger(c, e.stderr), Version: version}
	return serveUntilDone(ctx, m, e, func() {
		fmt.Fprintf(e.stdout, "FlowDeck is listening on %s\n", m.URL())
	})
}

// serveUntilDone runs m until ctx ends (a signal) or the server fails, then
// closes it. ready is called once m answers requests.
func serveUntilDone(ctx context.Context, m *app.Main, e env, ready func()) int {
	if err := m.Run(ctx); err != nil {
		fmt.Fprintf(e.stderr, "flowdeck: %v\n", err)
		return exitFailure
	}
	ready()
	code := exitOK
	select {
	case <-ctx.Done():
		m.Logger.InfoContext(context.WithoutCancel(ctx), "stopping: draining requests and background work", "timeout", m.Config.ShutdownTimeout.String())
	case err := <-m.Served():
		if err != nil {
			fmt.Fprintf(e.stderr, "flowdeck: server stopped: %v\n", err)
			code = exitFailure
		}
	}
	if err := m.Close(); err != nil {
		fmt.Fprintf(e.stderr, "flowdeck: %v\n", err)
		code = exitFailure
	}
	m.Logger.Info("stopped")
	return code
}
