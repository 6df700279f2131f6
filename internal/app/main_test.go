package app_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
)

func TestMainServesHealthAndReadiness(t *testing.T) {
	m := localtest.MustRunMain(t, localtest.Config(t))
	if code, body := localtest.GetJSON(t, m.URL()+"/healthz"); code != 200 || body["status"] != "ok" {
		t.Errorf("/healthz = %d %v", code, body)
	}
	if code, _ := localtest.GetJSON(t, m.URL()+"/readyz"); code != 200 {
		t.Errorf("/readyz = %d, want 200 with the store reachable", code)
	}
	if _, err := os.Stat(filepath.Join(m.Config.DataDir, "flowdeck.db")); err != nil {
		t.Errorf("embedded database not created: %v", err)
	}
}

func TestMainCloseStopsBackgroundWork(t *testing.T) {
	started, stopped := make(chan struct{}), make(chan struct{})
	m := localtest.MustRunMain(t, localtest.Config(t), func(ctx context.Context) error {
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
	c := localtest.Config(t)
	c.ShutdownTimeout = 100 * time.Millisecond
	release := make(chan struct{})
	defer close(release)
	m := &app.Main{Config: c, Background: []func(context.Context) error{func(context.Context) error { <-release; return nil }}}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	err := m.Close()
	if err == nil || !strings.Contains(err.Error(), "did not stop within") {
		t.Fatalf("Close() = %v, want a bounded-time error", err)
	}
}
