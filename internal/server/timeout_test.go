package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
)

func TestRequestTimeout(t *testing.T) {
	ts := newTestServer(t, Options{RequestTimeout: 50 * time.Millisecond}, func(e *echo.Echo) {
		e.GET("/test/slow", func(c echo.Context) error {
			ctx := c.Request().Context()
			if _, ok := ctx.Deadline(); !ok {
				return c.String(http.StatusOK, "no deadline")
			}
			<-ctx.Done()
			return ctx.Err()
		})
	})
	resp, body := get(t, ts.URL+"/test/slow", nil)
	if resp.StatusCode != http.StatusGatewayTimeout {
		t.Fatalf("status = %d, want 504; body %q", resp.StatusCode, body)
	}
	if e := decodeError(t, resp, body); e.Code != "timeout" || e.Message == "" {
		t.Errorf("body = %+v, want code timeout and a message", e)
	}
}
