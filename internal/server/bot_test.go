package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestBotEndpointIsMountedOutsideSSO(t *testing.T) {
	var got string
	bot := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = r.Header.Get("Authorization") + "|" + string(b)
		w.WriteHeader(http.StatusAccepted)
	})
	srv := newTestServer(t, Options{Bot: bot}, nil)
	req, _ := http.NewRequest("POST", srv.URL+"/api/messages", strings.NewReader(`{"type":"message"}`))
	req.Header.Set("Authorization", "Bearer channel-token")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || got != `Bearer channel-token|{"type":"message"}` {
		t.Fatalf("status %d, bot saw %q: the endpoint must get the request untouched, not the SSO check", resp.StatusCode, got)
	}
	if resp, _ := http.Get(srv.URL + "/api/messages"); resp.StatusCode == http.StatusAccepted {
		t.Error("GET /api/messages reached the bot")
	}
}
