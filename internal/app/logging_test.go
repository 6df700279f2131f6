package app_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
)

func TestLoggerHashesIDsByDefault(t *testing.T) {
	c := localtest.Config(t)
	var buf bytes.Buffer
	l := app.NewLogger(c, &buf)
	l.Info("x", "tenant", "72f988bf-86f1-41af-91ab-2d7cd011db47", "user", "a1b2", "route", "/api/me")
	l.Info("y", slog.String("user", "a1b2"))
	out := buf.String()
	if strings.Contains(out, "72f988bf") || strings.Contains(out, `"user":"a1b2"`) {
		t.Fatalf("ids logged in the clear:\n%s", out)
	}
	if !strings.Contains(out, `"route":"/api/me"`) {
		t.Errorf("other attributes changed:\n%s", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	h := func(line string) string { i := strings.Index(line, `"user":"`); return line[i : i+27] }
	if h(lines[0]) != h(lines[1]) {
		t.Errorf("one user hashes differently in two lines: %s vs %s", h(lines[0]), h(lines[1]))
	}
	c.LogIDs = "plain"
	buf.Reset()
	app.NewLogger(c, &buf).Info("x", "user", "a1b2")
	if !strings.Contains(buf.String(), `"user":"a1b2"`) {
		t.Errorf("FLOWDECK_LOG_IDS=plain still hashes: %s", buf.String())
	}
}
