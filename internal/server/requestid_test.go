package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
)

func TestRequestID(t *testing.T) {
	ts := newTestServer(t, Options{}, func(e *echo.Echo) {
		e.GET("/test/reqid", func(c echo.Context) error {
			return c.String(http.StatusOK, RequestID(c.Request().Context()))
		})
	})
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{name: "none", incoming: "", keep: false},
		{name: "valid", incoming: "abc-DEF_123.xyz", keep: true},
		{name: "max length", incoming: strings.Repeat("a", 64), keep: true},
		{name: "too long", incoming: strings.Repeat("a", 65), keep: false},
		{name: "space", incoming: "abc def", keep: false},
		{name: "log forging", incoming: "x\" level=ERROR", keep: false},
		{name: "slash", incoming: "a/b", keep: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.incoming != "" {
				h.Set("X-Request-Id", tt.incoming)
			}
			resp, body := get(t, ts.URL+"/test/reqid", h)
			got := resp.Header.Get("X-Request-Id")
			if string(body) != got {
				t.Errorf("RequestID(ctx) = %q, header = %q; want equal", body, got)
			}
			if tt.keep {
				if got != tt.incoming {
					t.Errorf("X-Request-Id = %q, want the incoming %q", got, tt.incoming)
				}
				return
			}
			if _, err := uuid.Parse(got); err != nil {
				t.Errorf("X-Request-Id = %q, want a generated UUID: %v", got, err)
			}
		})
	}
}

func TestRequestIDOnErrors(t *testing.T) {
	ts := newTestServer(t, Options{}, nil)
	resp, _ := get(t, ts.URL+"/api/nothing", nil)
	if _, err := uuid.Parse(resp.Header.Get("X-Request-Id")); err != nil {
		t.Errorf("404 X-Request-Id = %q, want a UUID", resp.Header.Get("X-Request-Id"))
	}
}

func TestRequestIDOutsideRequest(t *testing.T) {
	if got := RequestID(t.Context()); got != "" {
		t.Errorf("RequestID(background) = %q, want empty", got)
	}
}
