package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestAccessLogHasNoSecrets(t *testing.T) {
	ts := newTestServer(t, Options{}, nil)
	h := http.Header{}
	h.Set("Authorization", "Bearer SECRET123")
	h.Set("Cookie", "session=SECRET789")
	resp, _ := get(t, ts.URL+"/healthz?code=SECRET456&state=xyz", h)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	get(t, ts.URL+"/api/unknown?code=SECRET456", h)

	log := ts.log.String()
	for _, secret := range []string{"SECRET123", "SECRET456", "SECRET789", "?code", "state=", "Bearer"} {
		if strings.Contains(log, secret) {
			t.Errorf("log contains %q:\n%s", secret, log)
		}
	}
	rec := ts.log.find(t, "http request")
	if rec == nil {
		t.Fatalf("no access log line:\n%s", log)
	}
	want := map[string]any{
		"method":     "GET",
		"path":       "/healthz",
		"route":      "/healthz",
		"status":     float64(200),
		"remote_ip":  "127.0.0.1",
		"request_id": resp.Header.Get("X-Request-Id"),
	}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("access log %s = %v, want %v", k, rec[k], v)
		}
	}
	if _, ok := rec["latency"]; !ok {
		t.Error("access log has no latency")
	}
}
