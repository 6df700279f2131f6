package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestMounts: a mounted handler answers every method under its prefix with
// the whole path, behind the server's security headers; the bare prefix
// redirects to it; a malformed mount is refused at construction.
func TestMounts(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(r.Method + " " + r.URL.Path))
	})
	ts := newTestServer(t, Options{Mounts: []Mount{{Prefix: "/dev/", Handler: h}}}, nil)
	resp, body := get(t, ts.URL+"/dev/teams/", nil)
	if resp.StatusCode != http.StatusOK || string(body) != "GET /dev/teams/" {
		t.Fatalf("GET /dev/teams/ = %d %q", resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the mount is served without the security headers: %v", resp.Header)
	}
	resp, body = do(t, http.MethodPost, ts.URL+"/dev/api", strings.NewReader("{}"), http.Header{"Content-Type": {"application/json"}})
	if resp.StatusCode != http.StatusOK || string(body) != "POST /dev/api" {
		t.Fatalf("POST /dev/api = %d %q", resp.StatusCode, body)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	r, err := c.Get(ts.URL + "/dev")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusFound || r.Header.Get("Location") != "/dev/" {
		t.Errorf("GET /dev = %d → %q, want 302 → /dev/", r.StatusCode, r.Header.Get("Location"))
	}
	for _, m := range []Mount{{Prefix: "/dev", Handler: h}, {Prefix: "/", Handler: h}, {Prefix: "dev/", Handler: h}, {Prefix: "/dev/"}} {
		if _, err := New(Options{Mounts: []Mount{m}}); err == nil {
			t.Errorf("mount %q (handler %v) accepted", m.Prefix, m.Handler != nil)
		}
	}
}
