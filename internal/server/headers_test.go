package server

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	ts := newTestServer(t, Options{FrameAncestors: []string{"https://intranet.contoso.com"}, UI: testUI}, func(e *echo.Echo) {
		e.GET("/test/err", func(echo.Context) error { return flowdeck.Errorf(flowdeck.ErrForbidden, "no") })
		e.GET("/test/panic", func(echo.Context) error { panic("boom") })
	})
	paths := []struct {
		name, method, path string
		status             int
	}{
		{"json", http.MethodGet, "/healthz", http.StatusOK},
		{"static index", http.MethodGet, "/", http.StatusOK},
		{"static file", http.MethodGet, "/style.css", http.StatusOK},
		{"domain error", http.MethodGet, "/test/err", http.StatusForbidden},
		{"panic", http.MethodGet, "/test/panic", http.StatusInternalServerError},
		{"api 404", http.MethodGet, "/api/unknown", http.StatusNotFound},
		{"static 404", http.MethodGet, "/no-such-file.js", http.StatusNotFound},
		{"405", http.MethodPost, "/healthz", http.StatusMethodNotAllowed},
	}
	for _, p := range paths {
		t.Run(p.name, func(t *testing.T) {
			resp, _ := do(t, p.method, ts.URL+p.path, nil, nil)
			if resp.StatusCode != p.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, p.status)
			}
			if v, ok := resp.Header["X-Frame-Options"]; ok {
				t.Errorf("X-Frame-Options = %q, want absent (it breaks the Teams tab)", v)
			}
			if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
			}
			if got := resp.Header.Get("Referrer-Policy"); got != "strict-origin-when-cross-origin" {
				t.Errorf("Referrer-Policy = %q", got)
			}
			if got := resp.Header.Get("Strict-Transport-Security"); got != "" {
				t.Errorf("Strict-Transport-Security = %q on plain http, want absent", got)
			}
			if n := len(resp.Header.Values("Content-Security-Policy")); n != 1 {
				t.Fatalf("%d Content-Security-Policy headers, want exactly 1", n)
			}
			checkCSP(t, resp.Header.Get("Content-Security-Policy"))
		})
	}
}

// checkCSP checks the page directives and the frame ancestors.
func checkCSP(t *testing.T, csp string) {
	t.Helper()
	directives := map[string][]string{}
	for d := range strings.SplitSeq(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			directives[f[0]] = f[1:]
		}
	}
	want := map[string]string{
		"default-src": "'self'",
		"script-src":  "'self' https://res.cdn.office.net",
		"img-src":     "'self' data:",
		"connect-src": "'self'",
	}
	for k, v := range want {
		if got := strings.Join(directives[k], " "); got != v {
			t.Errorf("CSP %s = %q, want %q", k, got, v)
		}
	}
	if strings.Contains(strings.Join(directives["script-src"], " "), "unsafe") {
		t.Errorf("CSP script-src allows unsafe sources: %q", csp)
	}
	ancestors := map[string]bool{}
	for _, a := range directives["frame-ancestors"] {
		ancestors[a] = true
	}
	for _, a := range []string{
		"'self'",
		"https://teams.microsoft.com",
		"https://*.teams.microsoft.com",
		"https://local.teams.office.com",
		"https://*.office.com",
		"https://*.office365.com",
		"https://*.cloud.microsoft",
		"https://outlook.office.com",
		"https://*.outlook.com",
		"https://intranet.contoso.com",
	} {
		if !ancestors[a] {
			t.Errorf("CSP frame-ancestors lacks %s: %q", a, csp)
		}
	}
}

func TestHSTSOnlyOnHTTPS(t *testing.T) {
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		proto   string
		want    bool
	}{
		{name: "direct http", trusted: nil, proto: "", want: false},
		{name: "direct, spoofed proto", trusted: nil, proto: "https", want: false},
		{name: "trusted proxy says https", trusted: loopback, proto: "https", want: true},
		{name: "trusted proxy says http", trusted: loopback, proto: "http", want: false},
		{name: "untrusted proxy says https", trusted: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, proto: "https", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, Options{TrustedProxies: tt.trusted}, nil)
			h := http.Header{}
			if tt.proto != "" {
				h.Set("X-Forwarded-Proto", tt.proto)
			}
			resp, _ := get(t, ts.URL+"/healthz", h)
			got := resp.Header.Get("Strict-Transport-Security")
			if (got != "") != tt.want {
				t.Errorf("Strict-Transport-Security = %q, want present=%v", got, tt.want)
			}
		})
	}
}

func TestFrameAncestorValidation(t *testing.T) {
	for _, bad := range []string{"", "https://a.com https://b.com", "https://a.com;script-src *", "'unsafe-inline'", "*"} {
		if _, err := New(Options{FrameAncestors: []string{bad}, UI: fstest.MapFS{}}); err == nil {
			t.Errorf("New(FrameAncestors=[%q]) succeeded, want an error", bad)
		}
	}
}
