package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/logtest"
)

// logBuffer is the log a test server writes (JSON) and a test reads back.
type logBuffer struct{ logtest.Buffer }

// records returns the JSON log records written so far.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(b.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// find returns the first record whose msg is msg, or nil.
func (b *logBuffer) find(t *testing.T, msg string) map[string]any {
	t.Helper()
	for _, r := range b.records(t) {
		if r["msg"] == msg {
			return r
		}
	}
	return nil
}

// testServer is a Server behind an httptest.Server with its log captured.
type testServer struct {
	*Server
	URL string
	log *logBuffer
}

// newTestServer builds a Server from opts (its Logger replaced by a capturing
// one), registers routes through the test hook and serves it on loopback.
func newTestServer(t *testing.T, opts Options, routes func(e *echo.Echo)) *testServer {
	t.Helper()
	buf := &logBuffer{}
	opts.Logger = slog.New(slog.NewJSONHandler(io.MultiWriter(buf, t.Output()), &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := newServer(opts, routes)
	if err != nil {
		t.Fatalf("newServer: %v", err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &testServer{Server: s, URL: hs.URL, log: buf}
}

// do sends a request and returns the response with its body read.
func do(t *testing.T, method, url string, body io.Reader, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	for k, vs := range header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body of %s %s: %v", method, url, err)
	}
	return resp, b
}

// get is do with GET and no body.
func get(t *testing.T, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, url, nil, header)
}

// decodeError decodes an error body and checks it is JSON.
func decodeError(t *testing.T, resp *http.Response, body []byte) errorBody {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want application/json; body %q", ct, body)
	}
	var e errorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	return e
}
