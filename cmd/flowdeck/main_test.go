package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/config"
)

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
