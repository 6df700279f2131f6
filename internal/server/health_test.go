package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	ts := newTestServer(t, Options{Version: "1.2.3", Ready: func(context.Context) error { return errors.New("db down") }}, nil)
	resp, body := get(t, ts.URL+"/healthz", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200 (liveness ignores Ready)", resp.StatusCode)
	}
	var h healthBody
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	if h.Status != "ok" || h.Version != "1.2.3" {
		t.Errorf("body = %+v, want status ok, version 1.2.3", h)
	}
}

func TestReadyz(t *testing.T) {
	t.Run("no check", func(t *testing.T) {
		ts := newTestServer(t, Options{}, nil)
		if resp, body := get(t, ts.URL+"/readyz", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("status = %d, want 200; body %q", resp.StatusCode, body)
		}
	})
	t.Run("ready", func(t *testing.T) {
		called := make(chan bool, 1)
		ts := newTestServer(t, Options{Ready: func(ctx context.Context) error {
			_, ok := ctx.Deadline()
			called <- ok
			return nil
		}}, nil)
		resp, body := get(t, ts.URL+"/readyz", nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status = %d, want 200; body %q", resp.StatusCode, body)
		}
		if hasDeadline := <-called; !hasDeadline {
			t.Error("Ready was called without a deadline")
		}
	})
	t.Run("failing", func(t *testing.T) {
		ts := newTestServer(t, Options{Ready: func(context.Context) error {
			return errors.New("dial tcp 10.0.0.5:5432: connection refused")
		}}, nil)
		resp, body := get(t, ts.URL+"/readyz", nil)
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("status = %d, want 503", resp.StatusCode)
		}
		e := decodeError(t, resp, body)
		if e.Code != "unavailable" || e.Message == "" {
			t.Errorf("body = %+v, want code unavailable and a message", e)
		}
		if strings.Contains(string(body), "10.0.0.5") {
			t.Errorf("body %q leaks the cause", body)
		}
	})
}
