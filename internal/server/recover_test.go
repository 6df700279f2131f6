package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestPanicBecomes500(t *testing.T) {
	ts := newTestServer(t, Options{}, func(e *echo.Echo) {
		e.GET("/test/panic", func(echo.Context) error { panic("boom: secret-internal-state") })
	})
	resp, body := get(t, ts.URL+"/test/panic", nil)
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", resp.StatusCode)
	}
	e := decodeError(t, resp, body)
	if e.Code != "internal" || e.Message == "" {
		t.Errorf("body = %+v, want code internal and a message", e)
	}
	if strings.Contains(string(body), "secret-internal-state") {
		t.Errorf("body %q leaks the panic value", body)
	}

	id := resp.Header.Get("X-Request-Id")
	rec := ts.log.find(t, "http error")
	if rec == nil {
		t.Fatalf("no error log line; log:\n%s", ts.log)
	}
	if rec["level"] != "ERROR" || rec["request_id"] != id {
		t.Errorf("log level/request_id = %v/%v, want ERROR/%s", rec["level"], rec["request_id"], id)
	}
	stack, _ := rec["stack"].(string)
	if !strings.Contains(stack, "goroutine") || !strings.Contains(stack, "recover_test.go") {
		t.Errorf("log stack = %q, want a goroutine stack through the handler", stack)
	}
	if !strings.Contains(rec["error"].(string), "boom") {
		t.Errorf("log error = %v, want the panic value", rec["error"])
	}
	access := ts.log.find(t, "http request")
	if access == nil || access["status"] != float64(500) {
		t.Errorf("access log = %v, want status 500", access)
	}
}
