package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/flowdeck/flowdeck/internal/config"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2 // bad flags or configuration: nothing started, nothing written
)

// env is what a command sees of its process, so that tests run commands
// without touching the real environment.
type env struct {
	lookup config.Lookup
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string
	run     func(ctx context.Context, args []string, e env) int
}

func commands() []command {
	return []command{
		{name: "serve", summary: "run FlowDeck (bot, tab, cards, monitor)", usage: serveUsage, run: runServe},
		{name: "dev", summary: "run FlowDeck on its local cloud of fakes: no tenant, no secrets", usage: devUsage, run: runDev},
		{name: "manifest", summary: "build the Teams app package", usage: manifestUsage, run: runManifest},
		{name: "doctor", summary: "check the configuration and what it points at", usage: doctorUsage, run: runDoctor},
		{name: "version", summary: "print the version", usage: versionUsage, run: runVersion},
	}
}

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			for _, c := range commands() {
				if c.name == args[1] {
					fmt.Fprint(e.stdout, c.usage)
					return exitOK
				}
			}
		}
		printHelp(e.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], e)
		}
	}
	fmt.Fprintf(e.stderr, "flowdeck: unknown command %q\n\n", args[0])
	printHelp(e.stderr)
	return exitUsage
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, "FlowDeck: Power Automate in Microsoft Teams.\n\nUsage: flowdeck <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'flowdeck <command> --help' for a command's flags and environment.\n")
}

// newFlagSet returns a flag set that prints usage on --help and returns errors
// instead of exiting.
func newFlagSet(name, usage string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stdout, usage) }
	return fs
}

// parseFlags parses args; it returns the exit status to use and false when the
// command should stop (help asked, or bad flags).
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "flowdeck %s: unexpected arguments: %s\n", fs.Name(), strings.Join(fs.Args(), " "))
		return exitUsage, false
	}
	return exitOK, true
}

// overrides collects the configuration flags a command sets, as a lookup
// layered over the environment.
type overrides map[string]*string

func (o overrides) lookup(name string) (string, bool) {
	if p, ok := o[name]; ok && p != nil && *p != "" {
		return *p, true
	}
	return "", false
}

// configFlags registers the local-override flags shared by serve, dev and doctor.
func configFlags(fs *flag.FlagSet) overrides {
	return overrides{
		"FLOWDECK_LISTEN":       fs.String("listen", "", "address to listen on (FLOWDECK_LISTEN)"),
		"FLOWDECK_DATA_DIR":     fs.String("data", "", "data folder (FLOWDECK_DATA_DIR)"),
		"FLOWDECK_DATABASE_URL": fs.String("database", "", "SQLite path or postgres:// URL (FLOWDECK_DATABASE_URL)"),
		"FLOWDECK_LOG_LEVEL":    fs.String("log-level", "", "debug, info, warn or error (FLOWDECK_LOG_LEVEL)"),
		"FLOWDECK_LOG_FORMAT":   fs.String("log-format", "", "json or text (FLOWDECK_LOG_FORMAT)"),
	}
}

const configFlagsUsage = `  --listen ADDR      address to listen on (FLOWDECK_LISTEN)
  --data DIR         data folder (FLOWDECK_DATA_DIR)
  --database URL     SQLite path or postgres:// URL (FLOWDECK_DATABASE_URL)
  --log-level LEVEL  debug, info, warn or error (FLOWDECK_LOG_LEVEL)
  --log-format FMT   json or text (FLOWDECK_LOG_FORMAT)
`

// loadConfig loads the configuration for mode; on problems it prints them all
// and returns exitUsage.
func loadConfig(o overrides, e env, mode config.Mode, cmd string) (config.Config, int, bool) {
	c, err := config.Load(config.Layered(o.lookup, e.lookup), mode)
	if err != nil {
		fmt.Fprintf(e.stderr, "flowdeck %s: %v\n\nRun 'flowdeck %s --help' for every variable.\n", cmd, err, cmd)
		return config.Config{}, exitUsage, false
	}
	return c, exitOK, true
}
