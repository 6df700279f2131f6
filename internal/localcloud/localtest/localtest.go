// Package localtest holds the test helpers shared by the tests that boot
// FlowDeck whole: a valid configuration on loopback, Main run for the length
// of a test, a free port. Only tests import it.
package localtest

import (
	"encoding/json"
	"io"
	"net/http"

	"bytes"
	"context"
	"encoding/base64"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// Config is a valid serve configuration on 127.0.0.1:0 with a fresh store,
// whose authority is a fake Entra ID on loopback (tests never reach beyond
// this machine).
func Config(tb testing.TB) config.Config {
	tb.Helper()
	dir := tb.TempDir()
	idp, err := entra.New(entra.Options{Demo: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { idp.Close() })
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, idp.CACertPEM(), 0o600); err != nil {
		tb.Fatal(err)
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
		tb.Fatal(err)
	}
	return c
}

// MustRunMain boots FlowDeck as `serve` does and closes it when the test ends.
func MustRunMain(tb testing.TB, c config.Config, background ...func(context.Context) error) *app.Main {
	tb.Helper()
	m := &app.Main{Config: c, Logger: slog.New(slog.NewTextHandler(tb.Output(), nil)), Version: "test", Background: background}
	if err := m.Run(tb.Context()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Error(err)
		}
	})
	return m
}

// MustListen listens on a free loopback port.
func MustListen(tb testing.TB) net.Listener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return ln
}

// GetJSON gets url and decodes its JSON body (nil when it is not JSON).
func GetJSON(tb testing.TB, url string) (int, map[string]any) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &body)
	return resp.StatusCode, body
}
