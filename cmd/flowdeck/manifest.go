package main

import (
	"context"
	"fmt"
)

const manifestUsage = `Usage: flowdeck manifest [flags]

Builds the Teams app package (manifest.json, color.png, outline.png in a zip)
from appmanifest/ and the configuration (FLOWDECK_CLIENT_ID, FLOWDECK_PUBLIC_URL,
FLOWDECK_APP_ID_URI).

This build cannot make the package yet: it arrives with the Ship milestone
(see docs/ and the issue tracker). Until then the command exits with status 1.
`

func runManifest(_ context.Context, args []string, e env) int {
	fs := newFlagSet("manifest", manifestUsage, e)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	fmt.Fprintln(e.stderr, "flowdeck manifest: building the Teams app package is not in this build yet (run 'flowdeck manifest --help')")
	return exitFailure
}
