package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	ts := newTestServer(t, Options{Registry: reg}, func(e *echo.Echo) {
		e.GET("/test/flows/:id", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	})
	get(t, ts.URL+"/test/flows/abc-123", nil)
	get(t, ts.URL+"/test/flows/def-456", nil)
	get(t, ts.URL+"/api/unknown/xyz", nil)

	resp, body := get(t, ts.URL+"/metrics", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics status = %d", resp.StatusCode)
	}
	text := string(body)
	for _, want := range []string{
		`flowdeck_http_requests_total{method="GET",route="/test/flows/:id",status="204"} 2`,
		`flowdeck_http_requests_total{method="GET",route="/api/*",status="404"} 1`,
		`flowdeck_http_request_duration_seconds_count{route="/test/flows/:id"} 2`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for _, raw := range []string{"abc-123", "def-456", "xyz"} {
		if strings.Contains(text, raw) {
			t.Errorf("/metrics has the raw path segment %q: labels must be route templates", raw)
		}
	}
}

func TestMetricsDefaultRegistry(t *testing.T) {
	ts := newTestServer(t, Options{}, nil)
	_, body := get(t, ts.URL+"/metrics", nil)
	if !strings.Contains(string(body), "go_goroutines") {
		t.Error("default registry lacks the Go collector")
	}
}

func TestMetricsRegistryReused(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := New(Options{Registry: reg}); err != nil {
		t.Fatalf("first New: %v", err)
	}
	if _, err := New(Options{Registry: reg}); err == nil {
		t.Error("second New on the same registry succeeded, want a registration error")
	}
}

func TestMethodLabel(t *testing.T) {
	for in, want := range map[string]string{"GET": "GET", "DELETE": "DELETE", "PROPFIND": "OTHER", "get": "OTHER"} {
		if got := methodLabel(in); got != want {
			t.Errorf("methodLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
