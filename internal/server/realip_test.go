package server

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestRealIP(t *testing.T) {
	routes := func(e *echo.Echo) {
		e.GET("/test/ip", func(c echo.Context) error { return c.String(http.StatusOK, c.RealIP()) })
	}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		xff     string
		want    string
	}{
		{name: "direct, no header", want: "127.0.0.1"},
		{name: "direct, spoofed header", xff: "203.0.113.7", want: "127.0.0.1"},
		{name: "trusted peer", trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, xff: "203.0.113.7", want: "203.0.113.7"},
		{name: "trusted peer, client prepends a lie", trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, xff: "198.51.100.1, 203.0.113.7", want: "203.0.113.7"},
		{name: "untrusted peer", trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, xff: "203.0.113.7", want: "127.0.0.1"},
		{name: "private proxy not trusted unless listed", trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, xff: "203.0.113.7, 10.1.2.3", want: "10.1.2.3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, Options{TrustedProxies: tt.trusted}, routes)
			h := http.Header{}
			if tt.xff != "" {
				h.Set("X-Forwarded-For", tt.xff)
			}
			_, body := get(t, ts.URL+"/test/ip", h)
			if string(body) != tt.want {
				t.Errorf("RealIP = %q, want %q", body, tt.want)
			}
		})
	}
}

func TestInvalidTrustedProxy(t *testing.T) {
	if _, err := New(Options{TrustedProxies: []netip.Prefix{{}}}); err == nil {
		t.Error("New with a zero netip.Prefix succeeded, want an error")
	}
}
