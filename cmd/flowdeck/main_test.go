package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// testConfig is a valid serve configuration on 127.0.0.1:0 with a fresh
// store, whose authority is a fake Entra ID on loopback (tests never reach
// beyond this machine).
func testConfig(t testing.TB) config.Config {
	t.Helper()
	dir := t.TempDir()
	idp, err := entra.New(entra.Options{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idp.Close() })
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, idp.CACertPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(config.Layered(func(name string) (string, bool) {
		v, ok := map[string]string{
			"FLOWDECK_LISTEN":           "127.0.0.1:0",
			"FLOWDECK_PUBLIC_URL":       "https://flowdeck.example.com",
			"FLOWDECK_TENANT_ID":        "72f988bf-86f1-41af-91ab-2d7cd011db47",
			"FLOWDECK_CLIENT_ID":        "5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b",
			"FLOWDECK_CLIENT_SECRET":    "test-secret",
			"FLOWDECK_ENCRYPTION_KEY":   base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
			"FLOWDECK_DATA_DIR":         dir,
			"FLOWDECK_SHUTDOWN_TIMEOUT": "5s",
			"FLOWDECK_AUTHORITY_URL":    idp.URL(),
			"FLOWDECK_CA_FILE":          caFile,
		}[name]
		return v, ok
	}), config.Serve)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// MustRunMain boots FlowDeck as `serve` does and closes it when the test ends.
func MustRunMain(t *testing.T, c config.Config, background ...func(context.Context) error) *Main {
	t.Helper()
	m := &Main{Config: c, Logger: slog.New(slog.NewTextHandler(t.Output(), nil)), Version: "test", Background: background}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	})
	return m
}

func get(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, body
}

func TestMainServesHealthAndReadiness(t *testing.T) {
	m := MustRunMain(t, testConfig(t))
	if code, body := get(t, m.URL()+"/healthz"); code != 200 || body["status"] != "ok" {
		t.Errorf("/healthz = %d %v", code, body)
	}
	if code, _ := get(t, m.URL()+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d, want 200 with the store reachable", code)
	}
	if _, err := os.Stat(filepath.Join(m.Config.DataDir, "flowdeck.db")); err != nil {
		t.Errorf("embedded database not created: %v", err)
	}
}

func TestMainCloseStopsBackgroundWork(t *testing.T) {
	started, stopped := make(chan struct{}), make(chan struct{})
	m := MustRunMain(t, testConfig(t), func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		close(stopped)
		return ctx.Err()
	})
	<-started
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped:
	default:
		t.Fatal("Close returned before the background task stopped")
	}
	if _, err := http.Get(m.URL() + "/healthz"); err == nil {
		t.Error("server still answers after Close")
	}
}

func TestMainCloseGivesUpOnStuckBackgroundWork(t *testing.T) {
	c := testConfig(t)
	c.ShutdownTimeout = 100 * time.Millisecond
	release := make(chan struct{})
	defer close(release)
	m := &Main{Config: c, Background: []func(context.Context) error{func(context.Context) error { <-release; return nil }}}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	err := m.Close()
	if err == nil || !strings.Contains(err.Error(), "did not stop within") {
		t.Fatalf("Close() = %v, want a bounded-time error", err)
	}
}

func runCLI(t *testing.T, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, env{
		lookup: func(name string) (string, bool) { v, ok := environ[name]; return v, ok },
		stdout: &stdout, stderr: &stderr,
	})
	return code, stdout.String(), stderr.String()
}

func TestServeBadConfigurationExits2AndWritesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	code, _, stderr := runCLI(t, map[string]string{
		"FLOWDECK_DATA_DIR":       dir,
		"FLOWDECK_PUBLIC_URL":     "flowdeck.contoso.com",
		"FLOWDECK_CLOUD":          "azure-stack",
		"FLOWDECK_ENCRYPTION_KEY": "c2hvcnQ=",
	}, "serve")
	if code != exitUsage {
		t.Errorf("exit status %d, want 2", code)
	}
	for _, want := range []string{"FLOWDECK_PUBLIC_URL", "FLOWDECK_CLOUD", "FLOWDECK_ENCRYPTION_KEY must be 32 bytes", "FLOWDECK_TENANT_ID is required", "FLOWDECK_CLIENT_ID is required"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("data folder exists after a configuration error (err=%v): something was written", err)
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands() {
		code, stdout, _ := runCLI(t, nil, c.name, "--help")
		if code != exitOK || !strings.Contains(stdout, "Usage: flowdeck "+c.name) {
			t.Errorf("%s --help: exit %d, output %q", c.name, code, stdout)
		}
	}
	code, stdout, _ := runCLI(t, nil, "--help")
	for _, c := range commands() {
		if !strings.Contains(stdout, c.name) {
			t.Errorf("flowdeck --help does not list %s", c.name)
		}
	}
	if code != exitOK {
		t.Errorf("--help exit %d", code)
	}
	// serve --help documents every configuration variable.
	_, stdout, _ = runCLI(t, nil, "serve", "--help")
	for _, v := range config.Vars() {
		if !strings.Contains(stdout, v.Name) {
			t.Errorf("serve --help lacks %s", v.Name)
		}
	}
	if code, _, stderr := runCLI(t, nil, "frobnicate"); code != exitUsage || !strings.Contains(stderr, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, stderr)
	}
	if code, _, _ := runCLI(t, nil, "serve", "--no-such-flag"); code != exitUsage {
		t.Errorf("bad flag: exit %d, want 2", code)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runCLI(t, nil, "version")
	if code != 0 || !strings.HasPrefix(stdout, "flowdeck ") {
		t.Errorf("version: %d %q", code, stdout)
	}
}

func TestDevRefusesNonLoopback(t *testing.T) {
	code, _, stderr := runCLI(t, map[string]string{"FLOWDECK_DATA_DIR": t.TempDir()}, "dev", "--listen", "0.0.0.0:3978")
	if code != exitUsage || !strings.Contains(stderr, "loopback only") {
		t.Errorf("dev on 0.0.0.0: exit %d, %q", code, stderr)
	}
}

func TestDevKeyIsGeneratedOnceWithMode0600(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, created, err := devKey(dir)
	if err != nil || !created || len(k1) != 32 {
		t.Fatalf("first devKey: %d bytes, created %v, err %v", len(k1), created, err)
	}
	fi, err := os.Stat(devKeyPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	k2, created, err := devKey(dir)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Errorf("second devKey: created %v err %v equal %v", created, err, bytes.Equal(k1, k2))
	}
	os.WriteFile(devKeyPath(dir), []byte("garbage"), 0o600)
	if _, _, err := devKey(dir); err == nil || strings.Contains(err.Error(), "garbage") {
		t.Errorf("corrupt key: err = %v", err)
	}
}

func mustListen(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
