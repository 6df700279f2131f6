package main

import (
	"github.com/flowdeck/flowdeck/internal/app"

	"archive/zip"
	"encoding/json"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/bot"
)

func TestManifestPackage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "app.zip")
	env := map[string]string{"FLOWDECK_PUBLIC_URL": "https://flowdeck.contoso.com", "FLOWDECK_CLIENT_ID": "5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b"}
	code, stdout, stderr := runCLI(t, env, "manifest", "--out", out, "--version", "1.2.3")
	if code != exitOK || !strings.Contains(stdout, "Wrote") {
		t.Fatalf("manifest: exit %d\n%s%s", code, stdout, stderr)
	}
	z, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var names []string
	var manifest struct {
		Version string
		Bots    []struct {
			CommandLists []struct {
				Commands []struct{ Title, Description string }
			}
		}
		WebApplicationInfo struct{ Resource string }
	}
	for _, f := range z.File {
		names = append(names, f.Name)
		if f.Name == "manifest.json" {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			r.Close()
			if err := json.Unmarshal(b, &manifest); err != nil {
				t.Fatal(err)
			}
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"color.png", "manifest.json", "outline.png"}) {
		t.Fatalf("package holds %v", names)
	}
	if manifest.Version != "1.2.3" || manifest.WebApplicationInfo.Resource != "api://flowdeck.contoso.com/botid-5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b" {
		t.Errorf("manifest = %+v", manifest)
	}
	// Every menu command is the bot's, with the bot's description: no drift.
	desc := map[string]string{}
	for _, c := range bot.Commands() {
		desc[c.Name] = c.Description
	}
	cmds := manifest.Bots[0].CommandLists[0].Commands
	if len(cmds) != len(app.MenuCommands) {
		t.Errorf("%d commands in the manifest, want %d", len(cmds), len(app.MenuCommands))
	}
	for _, c := range cmds {
		d, ok := desc[c.Title]
		if !ok || !strings.HasPrefix(d, strings.TrimSuffix(c.Description, "…")) {
			t.Errorf("manifest command %q (%q) is not the bot's", c.Title, c.Description)
		}
	}
}

func TestManifestNeedsPublicURLAndClientID(t *testing.T) {
	code, _, stderr := runCLI(t, nil, "manifest")
	if code != exitUsage || !strings.Contains(stderr, "FLOWDECK_PUBLIC_URL is required") || !strings.Contains(stderr, "FLOWDECK_CLIENT_ID is required") {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
