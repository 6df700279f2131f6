package server

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
)

// testUI stands for the embedded tab UI: the server's job is to serve
// whatever web.FS holds (the built tab, or the fallback page); what the page
// says is the web package's tests' concern.
var testUI = fstest.MapFS{
	"index.html": {Data: []byte(`<!doctype html><html><head><link rel="stylesheet" href="style.css"></head><body><h1>FlowDeck</h1></body></html>`)},
	"style.css":  {Data: []byte("body{margin:0}")},
}

func TestStaticIndex(t *testing.T) {
	ts := newTestServer(t, Options{UI: testUI}, nil)
	for _, path := range []string{"/", "/index.html"} {
		resp, body := get(t, ts.URL+path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", path, resp.StatusCode)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type = %q, want text/html", path, ct)
		}
		page := string(body)
		if !strings.Contains(page, "<h1>FlowDeck</h1>") {
			t.Errorf("GET %s: page = %q, want the UI's index.html", path, page)
		}
	}
	resp, _ := get(t, ts.URL+"/style.css", nil)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("style.css Content-Type = %q, want text/css", ct)
	}
	head, hbody := do(t, http.MethodHead, ts.URL+"/", nil, nil)
	if head.StatusCode != http.StatusOK || len(hbody) != 0 {
		t.Errorf("HEAD /: status %d, %d bytes", head.StatusCode, len(hbody))
	}
}

func TestStaticCustomFS(t *testing.T) {
	ui := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><p>custom</p>")}}
	ts := newTestServer(t, Options{UI: ui}, nil)
	_, body := get(t, ts.URL+"/", nil)
	if !strings.Contains(string(body), "custom") {
		t.Errorf("GET / = %q, want the Options.UI index", body)
	}
}

func TestNotFound(t *testing.T) {
	ts := newTestServer(t, Options{UI: testUI}, nil)
	tests := []struct{ method, path string }{
		{http.MethodGet, "/api/unknown"},
		{http.MethodPost, "/api/unknown"},
		{http.MethodGet, "/api"},
		{http.MethodGet, "/api/tab/flows"},
		{http.MethodGet, "/missing.png"},
		{http.MethodGet, "/%25zz"},
		{http.MethodGet, "/../../etc/passwd"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp, body := do(t, tt.method, ts.URL+tt.path, nil, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status = %d, want 404; body %q", resp.StatusCode, body)
			}
			if e := decodeError(t, resp, body); e.Code != "not_found" {
				t.Errorf("code = %q, want not_found", e.Code)
			}
		})
	}
}
