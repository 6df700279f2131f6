package cards

// Validation of every golden card with the official adaptivecards library,
// pinned in testdata/validate. The node packages are installed on first use
// with `npm ci` (honouring package-lock.json) into
// testdata/validate/node_modules, with the npm cache in
// testdata/validate/.npm-cache; both are git-ignored. The test never skips:
// without node or npm it fails and says what to install.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const validateDir = "testdata/validate"

var (
	npmMu    sync.Mutex // serialises installs within this test binary
	npmReady bool
)

// validatorNode returns the path of node once testdata/validate/node_modules
// matches package-lock.json (running npm ci if it does not).
func validatorNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is not installed: the card validation test needs Node.js (https://nodejs.org) on PATH: %v", err)
	}
	npmMu.Lock()
	defer npmMu.Unlock()
	if !npmReady {
		installValidator(t)
		npmReady = true
	}
	return node
}

// installValidator runs npm ci in validateDir unless node_modules was
// installed from the current package-lock.json, as recorded in a stamp file.
// A file lock in the npm cache folder keeps concurrent test processes from
// installing at the same time.
func installValidator(t *testing.T) {
	t.Helper()
	dir, err := filepath.Abs(validateDir)
	if err != nil {
		t.Fatal(err)
	}
	var sums []byte
	for _, f := range []string{"package.json", "package-lock.json", ".npmrc"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		s := sha256.Sum256(b)
		sums = append(sums, s[:]...)
	}
	sum := sha256.Sum256(sums)
	want := hex.EncodeToString(sum[:]) + "\n"
	stamp := filepath.Join(dir, "node_modules", ".flowdeck-install.sha256")
	installed := func() bool {
		got, err := os.ReadFile(stamp)
		return err == nil && string(got) == want
	}
	if installed() {
		return
	}

	cache := filepath.Join(dir, ".npm-cache")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(cache, "flowdeck-install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	unlock, err := lockFile(f)
	if err != nil {
		t.Fatalf("lock %s: %v", f.Name(), err)
	}
	defer unlock()
	if installed() { // another process installed while we waited
		return
	}

	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Fatalf("npm is not installed: the card validation test installs adaptivecards with npm ci: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--prefer-offline", "--cache", cache)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	t.Logf("installing the card validator: npm ci in %s", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s failed: %v\n%s", dir, err, out)
	}
	if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
		t.Fatal(err)
	}
}

// validateCards runs validate.js on files and returns its output and exit
// status: 0 valid, 1 problems. Any other outcome fails the test.
func validateCards(t *testing.T, files ...string) (string, int) {
	t.Helper()
	node := validatorNode(t)
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), node, append([]string{filepath.Join(validateDir, "validate.js")}, files...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), 0
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return stdout.String(), 1
	default:
		t.Fatalf("node validate.js: %v\n%s%s", err, stdout.String(), stderr.String())
		return "", -1
	}
}

// TestGoldenCardsValid parses every golden Adaptive Card with the official
// library and fails on any parse error or validation warning.
func TestGoldenCardsValid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cards []string
	for _, f := range files {
		if filepath.Base(f) != "oauth.json" { // a Bot Framework OAuth card, not an Adaptive Card
			cards = append(cards, f)
		}
	}
	if len(cards) < len(goldenCases())-1 {
		t.Fatalf("found %d golden cards, want %d (run go test ./internal/cards -update)", len(cards), len(goldenCases())-1)
	}
	if out, code := validateCards(t, cards...); code != 0 {
		t.Fatalf("the adaptivecards library rejects golden cards:\n%s", out)
	}
}

// TestValidatorRejects proves the validator catches broken cards, so that
// TestGoldenCardsValid passing means something.
func TestValidatorRejects(t *testing.T) {
	valid := string(marshalCard(t, AlertCard(fixtureAlert(), AlertOptions{Tab: tab})))
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown element type", `"type": "FactSet"`, `"type": "FactSheet"`, `Unknown element type "FactSheet"`},
		{"OpenUrl without url", `"url": "https://make.powerautomate.com`, `"href": "https://make.powerautomate.com`, `Property "url" must be set`},
		{"Execute without verb", `"verb": "alert.mute"`, `"verbose": "alert.mute"`, `Action.Execute lacks required property "verb"`},
		{"version above 1.5", `"version": "1.5"`, `"version": "1.6"`, `version 1.6 is above 1.5`},
		{"element newer than 1.5", `"type": "ActionSet"`, `"type": "Carousel"`, `Carousel needs schema 1.6`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(valid, tt.old) {
				t.Fatalf("the alert card lacks %q", tt.old)
			}
			file := filepath.Join(t.TempDir(), "card.json")
			if err := os.WriteFile(file, []byte(strings.Replace(valid, tt.old, tt.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			out, code := validateCards(t, file)
			if code != 1 {
				t.Fatalf("the validator accepts the broken card (%s)", out)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("validator output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}
