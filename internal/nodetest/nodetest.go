// Package nodetest lets Go tests run Node.js scripts against pinned npm
// packages — the official Teams manifest schema, the official Adaptive Cards
// library — without committing node_modules: the packages are installed with
// `npm ci` (honouring package-lock.json) on first use, once per lock file,
// under a file lock so that concurrent test processes never install at once.
// Tests import it; nothing else does.
package nodetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var (
	mu    sync.Mutex // serialises installs within one test binary
	ready = map[string]bool{}
)

// Node returns the path of node, once dir's node_modules holds exactly what
// dir's package.json, package-lock.json and .npmrc describe (running npm ci
// with its cache in dir/.npm-cache if it does not). A missing node or npm
// fails the test with a clear message: the test never skips.
func Node(tb testing.TB, dir string) string {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		tb.Fatalf("node is not installed: this test runs a Node.js script (https://nodejs.org) on PATH: %v", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !ready[abs] {
		install(tb, abs)
		ready[abs] = true
	}
	return node
}

// install runs npm ci in dir unless node_modules was installed from the
// current package files, as a stamp file records.
func install(tb testing.TB, dir string) {
	tb.Helper()
	h := sha256.New()
	for _, name := range []string{"package.json", "package-lock.json", ".npmrc"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) || name == "package-lock.json" && err != nil {
			tb.Fatalf("read %s: %v", filepath.Join(dir, name), err)
		}
		h.Write([]byte(name + "\x00"))
		h.Write(b)
	}
	want := hex.EncodeToString(h.Sum(nil)) + "\n"
	stamp := filepath.Join(dir, "node_modules", ".flowdeck-packages.sha256")
	installed := func() bool {
		got, err := os.ReadFile(stamp)
		return err == nil && string(got) == want
	}
	if installed() {
		return
	}
	cache := filepath.Join(dir, ".npm-cache")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		tb.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(cache, "flowdeck-install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	unlock, err := lockFile(f)
	if err != nil {
		tb.Fatalf("lock %s: %v", f.Name(), err)
	}
	defer unlock()
	if installed() { // another process installed while this one waited
		return
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		tb.Fatalf("npm is not installed: this test installs its node packages with npm ci: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--prefer-offline", "--cache", cache)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "npm_config_update_notifier=false")
	tb.Logf("installing node packages: npm ci in %s", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("npm ci in %s failed: %v\n%s", dir, err, out)
	}
	if err := os.WriteFile(stamp, []byte(want), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// Run runs dir/script with node (after Node's install) and returns its
// standard output and exit status, following the validators' convention:
// 0 valid, 1 problems found. Any other outcome fails the test.
func Run(tb testing.TB, dir, script string, args ...string) (string, int) {
	tb.Helper()
	node := Node(tb, dir)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(node, append([]string{filepath.Join(dir, script)}, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return stdout.String(), 0
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return stdout.String(), 1
	default:
		tb.Fatalf("node %s: %v\n%s%s", script, err, stdout.String(), stderr.String())
		return "", -1
	}
}
