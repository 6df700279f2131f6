package systemtest

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// TestSecurityHeaders checks the security headers of the wired app on a
// sample of every route family, answers and errors alike: a CSP whose
// frame-ancestors lets Teams, Microsoft 365 and Outlook (and nothing else)
// frame FlowDeck, no X-Frame-Options (it would break the tab), and nosniff.
func TestSecurityHeaders(t *testing.T) {
	s := newSecurityStack(t, localcloud.StackOptions{})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	adele := demo.Users()[0]

	index := s.do(ctx, t, http.MethodGet, "/", "", nil)
	asset := regexp.MustCompile(`/assets/[A-Za-z0-9._-]+\.(js|css)`).FindString(index.body)
	if index.status != http.StatusOK || asset == "" {
		t.Fatalf("GET / = %d, no asset in %.300s", index.status, index.body)
	}
	tests := []struct {
		name, method, path, auth string
		want                     int // 0: any status
	}{
		{"the tab page", http.MethodGet, "/", "", http.StatusOK},
		{"a static asset", http.MethodGet, asset, "", http.StatusOK},
		{"/api/me signed in", http.MethodGet, "/api/me", "Bearer " + s.secSSO(t, adele), http.StatusOK},
		{"/api/me without a token", http.MethodGet, "/api/me", "", http.StatusUnauthorized},
		{"/api/messages without a token", http.MethodPost, "/api/messages", "", http.StatusUnauthorized},
		{"/auth/start", http.MethodGet, "/auth/start", "", 0},
		{"/auth/end", http.MethodGet, "/auth/end", "", 0},
		{"/healthz", http.MethodGet, "/healthz", "", http.StatusOK},
		{"an unknown page", http.MethodGet, "/no/such/page", "", 0},
		{"an unknown API", http.MethodGet, "/api/no-such-thing", "Bearer " + s.secSSO(t, adele), http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.method == http.MethodPost {
				body = map[string]any{"type": "message", "text": "help"}
			}
			a := s.do(ctx, t, tt.method, tt.path, tt.auth, body)
			if tt.want != 0 && a.status != tt.want {
				t.Errorf("%s %s = %d, want %d", tt.method, tt.path, a.status, tt.want)
			}
			checkSecurityHeaders(t, a.header)
		})
	}
}

// checkSecurityHeaders fails unless h has FlowDeck's CSP, nosniff and no
// X-Frame-Options.
func checkSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	if got := h.Values("X-Frame-Options"); len(got) != 0 {
		t.Errorf("X-Frame-Options: %q, want none (it cannot list the Teams hosts)", got)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options: %q, want nosniff", got)
	}
	csp := h.Values("Content-Security-Policy")
	if len(csp) != 1 {
		t.Fatalf("Content-Security-Policy: %q, want exactly one", csp)
	}
	var ancestors []string
	for d := range strings.SplitSeq(csp[0], ";") {
		if f := strings.Fields(d); len(f) > 0 && f[0] == "frame-ancestors" {
			ancestors = f[1:]
		}
	}
	for _, host := range []string{"https://teams.microsoft.com", "https://*.teams.microsoft.com", "https://*.office.com", "https://outlook.office.com", "https://*.cloud.microsoft"} {
		found := false
		for _, a := range ancestors {
			found = found || a == host
		}
		if !found {
			t.Errorf("frame-ancestors %q lacks %s", ancestors, host)
		}
	}
	for _, a := range ancestors {
		if a == "*" || a == "https:" || a == "http:" || strings.HasPrefix(a, "http://") {
			t.Errorf("frame-ancestors allows %q", a)
		}
	}
}
