package main

import (
	"context"
	"fmt"
	"runtime"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

const versionUsage = `Usage: flowdeck version

Prints FlowDeck's version and the Go version it was built with.
`

func runVersion(_ context.Context, args []string, e env) int {
	fs := newFlagSet("version", versionUsage, e)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fmt.Fprintf(e.stdout, "flowdeck %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
