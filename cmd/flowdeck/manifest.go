package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/flowdeck/flowdeck/appmanifest"
	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/config"
)

const manifestUsage = `Usage: flowdeck manifest [flags]

Builds the Teams app package: a zip with manifest.json, color.png and
outline.png at its root, from the configuration (FLOWDECK_PUBLIC_URL,
FLOWDECK_CLIENT_ID, FLOWDECK_APP_ID_URI) and the bot's command table. Upload
it in Teams: Apps → Manage your apps → Upload an app (or in the Teams admin
center for the whole organisation).

Flags:
  --out FILE         where to write the package (default flowdeck-teams-app.zip)
  --version SEMVER   the app version; raise it on every upload (default 1.0.0)
  --app-id GUID      the Teams app id (default: the client id)
  --print            print manifest.json instead of writing the package
`

func runManifest(_ context.Context, args []string, e env) int {
	fs := newFlagSet("manifest", manifestUsage, e)
	out := fs.String("out", "flowdeck-teams-app.zip", "")
	ver := fs.String("version", appmanifest.DefaultVersion, "")
	appID := fs.String("app-id", "", "")
	print := fs.Bool("print", false, "")
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	c, code, ok := loadConfig(overrides{}, e, config.Manifest, "manifest")
	if !ok {
		return code
	}
	o := appmanifest.Options{AppID: *appID, ClientID: c.ClientID, PublicURL: c.PublicURL, AppIDURI: c.AppIDURI, Version: *ver, Commands: app.ManifestCommands(), LinkDomains: app.ManifestLinkDomains(c)}
	if *print {
		b, err := appmanifest.Manifest(o)
		if err != nil {
			fmt.Fprintf(e.stderr, "flowdeck manifest: %v\n", err)
			return exitUsage
		}
		e.stdout.Write(b)
		return exitOK
	}
	var buf bytes.Buffer
	if err := appmanifest.Package(o, &buf); err != nil {
		fmt.Fprintf(e.stderr, "flowdeck manifest: %v\n", err)
		return exitUsage
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(e.stderr, "flowdeck manifest: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(e.stdout, "Wrote %s (%d bytes). Upload it in Teams: Apps → Manage your apps → Upload an app.\n", *out, buf.Len())
	return exitOK
}
