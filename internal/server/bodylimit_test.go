package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// chunked hides a reader's length, so the request goes out without
// Content-Length and the limit is enforced while reading.
type chunked struct{ io.Reader }

func TestBodyLimit(t *testing.T) {
	ts := newTestServer(t, Options{BodyLimit: 16}, func(e *echo.Echo) {
		e.POST("/test/body", func(c echo.Context) error {
			b, err := io.ReadAll(c.Request().Body)
			if err != nil {
				return err
			}
			return c.String(http.StatusOK, string(b))
		})
	})
	tests := []struct {
		name   string
		body   io.Reader
		status int
	}{
		{name: "at limit", body: strings.NewReader(strings.Repeat("a", 16)), status: http.StatusOK},
		{name: "over limit, Content-Length", body: strings.NewReader(strings.Repeat("a", 17)), status: http.StatusRequestEntityTooLarge},
		{name: "over limit, chunked", body: chunked{strings.NewReader(strings.Repeat("a", 1000))}, status: http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, http.MethodPost, ts.URL+"/test/body", tt.body, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tt.status, body)
			}
			if tt.status == http.StatusOK {
				return
			}
			if e := decodeError(t, resp, body); e.Code != "too_large" {
				t.Errorf("code = %q, want too_large", e.Code)
			}
		})
	}
}
