package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func TestErrorTable(t *testing.T) {
	cause := errors.New("upstream said SECRET-CAUSE")
	tests := []struct {
		name       string
		err        error
		status     int
		code       string
		message    string // "" = the kind's generic sentence, checked non-empty
		retryAfter string
		detail     map[string]string
	}{
		{name: "invalid", err: flowdeck.Errorf(flowdeck.ErrInvalid, "Flow name is empty."), status: 400, code: "invalid", message: "Flow name is empty."},
		{name: "unauthenticated", err: flowdeck.Wrap(flowdeck.ErrUnauthenticated, cause, ""), status: 401, code: "unauthenticated"},
		{name: "interaction required", err: flowdeck.Errorf(flowdeck.ErrInteractionRequired, "Sign in again."), status: 401, code: "interaction_required", message: "Sign in again."},
		{name: "forbidden", err: flowdeck.Errorf(flowdeck.ErrForbidden, "Not your flow."), status: 403, code: "forbidden", message: "Not your flow."},
		{name: "consent required with detail", err: &flowdeck.Error{Kind: flowdeck.ErrConsentRequired, Message: "Consent needed.", Detail: map[string]string{"scope": "Flows.Read.All"}}, status: 403, code: "consent_required", message: "Consent needed.", detail: map[string]string{"scope": "Flows.Read.All"}},
		{name: "not found", err: fmt.Errorf("get flow: %w", flowdeck.ErrNotFound), status: 404, code: "not_found"},
		{name: "conflict", err: flowdeck.Errorf(flowdeck.ErrConflict, "Changed."), status: 409, code: "conflict", message: "Changed."},
		{name: "throttled with Retry-After", err: &flowdeck.Error{Kind: flowdeck.ErrThrottled, Message: "Busy.", RetryAfter: 1500 * time.Millisecond}, status: 429, code: "throttled", message: "Busy.", retryAfter: "2"},
		{name: "throttled without Retry-After", err: flowdeck.Errorf(flowdeck.ErrThrottled, "Busy."), status: 429, code: "throttled", message: "Busy."},
		{name: "unavailable", err: flowdeck.Wrap(flowdeck.ErrUnavailable, cause, "Power Automate is down."), status: 503, code: "unavailable", message: "Power Automate is down."},
		{name: "unavailable wrapping a deadline", err: flowdeck.Wrap(flowdeck.ErrUnavailable, context.DeadlineExceeded, "Slow upstream."), status: 503, code: "unavailable", message: "Slow upstream."},
		{name: "misconfigured", err: flowdeck.Wrap(flowdeck.ErrMisconfigured, cause, "No client secret."), status: 500, code: "misconfigured", message: "No client secret."},
		{name: "internal", err: flowdeck.Wrap(flowdeck.ErrInternal, cause, "hidden internal text"), status: 500, code: "internal"},
		{name: "plain error", err: cause, status: 500, code: "internal"},
		{name: "bare deadline", err: fmt.Errorf("query: %w", context.DeadlineExceeded), status: 504, code: "timeout"},
		{name: "echo 400", err: echo.NewHTTPError(http.StatusBadRequest, "Syntax error SECRET-CAUSE"), status: 400, code: "invalid"},
		{name: "echo 418", err: echo.NewHTTPError(http.StatusTeapot), status: 418, code: "http_418"},
	}
	byName := map[string]error{}
	for _, tt := range tests {
		byName[tt.name] = tt.err
	}
	ts := newTestServer(t, Options{}, func(e *echo.Echo) {
		e.Match([]string{http.MethodGet, http.MethodHead}, "/test/err", func(c echo.Context) error {
			return byName[c.QueryParam("name")]
		})
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := ts.URL + "/test/err?name=" + strings.ReplaceAll(tt.name, " ", "+")
			resp, body := get(t, u, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tt.status, body)
			}
			e := decodeError(t, resp, body)
			if e.Code != tt.code {
				t.Errorf("code = %q, want %q", e.Code, tt.code)
			}
			if tt.message != "" && e.Message != tt.message {
				t.Errorf("message = %q, want %q", e.Message, tt.message)
			}
			if e.Message == "" {
				t.Error("message is empty")
			}
			if strings.Contains(string(body), "SECRET-CAUSE") || strings.Contains(string(body), "hidden internal text") {
				t.Errorf("body %q leaks the cause", body)
			}
			if got := resp.Header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.retryAfter)
			}
			if len(e.Detail) != len(tt.detail) {
				t.Errorf("detail = %v, want %v", e.Detail, tt.detail)
			}
			for k, v := range tt.detail {
				if e.Detail[k] != v {
					t.Errorf("detail[%s] = %q, want %q", k, e.Detail[k], v)
				}
			}

			head, hbody := do(t, http.MethodHead, u, nil, nil)
			if head.StatusCode != tt.status || len(hbody) != 0 {
				t.Errorf("HEAD: status %d, %d body bytes; want %d and none", head.StatusCode, len(hbody), tt.status)
			}
		})
	}
}

// TestEveryKindThroughTheServer: the tab API answers every kind with the
// one table's status, code and sentence (flowdeck.HTTPStatus, Code,
// DefaultMessage), a new kind included.
func TestEveryKindThroughTheServer(t *testing.T) {
	ts := newTestServer(t, Options{}, func(e *echo.Echo) {
		e.GET("/test/kind", func(c echo.Context) error {
			return flowdeck.KindOfCode(c.QueryParam("code"))
		})
	})
	for _, k := range flowdeck.Kinds() {
		resp, body := get(t, ts.URL+"/test/kind?code="+flowdeck.Code(k), nil)
		e := decodeError(t, resp, body)
		if resp.StatusCode != flowdeck.HTTPStatus(k) || e.Code != flowdeck.Code(k) || e.Message != flowdeck.DefaultMessage(k) {
			t.Errorf("%v: %d %q %q, want %d %q %q", k, resp.StatusCode, e.Code, e.Message,
				flowdeck.HTTPStatus(k), flowdeck.Code(k), flowdeck.DefaultMessage(k))
		}
	}
}

func TestErrorLogLevels(t *testing.T) {
	ts := newTestServer(t, Options{}, func(e *echo.Echo) {
		e.GET("/test/404", func(echo.Context) error { return flowdeck.ErrNotFound })
		e.GET("/test/503", func(echo.Context) error {
			return flowdeck.Wrap(flowdeck.ErrUnavailable, errors.New("dial tcp: refused"), "Down.")
		})
	})
	r404, _ := get(t, ts.URL+"/test/404", nil)
	r503, _ := get(t, ts.URL+"/test/503", nil)
	levels := map[string]string{}
	for _, rec := range ts.log.records(t) {
		if rec["msg"] == "http error" {
			levels[rec["request_id"].(string)] = rec["level"].(string)
			if rec["request_id"] == r503.Header.Get("X-Request-Id") && !strings.Contains(rec["error"].(string), "dial tcp: refused") {
				t.Errorf("5xx log error = %q, want the full chain", rec["error"])
			}
		}
	}
	if got := levels[r404.Header.Get("X-Request-Id")]; got != "DEBUG" {
		t.Errorf("404 logged at %q, want DEBUG", got)
	}
	if got := levels[r503.Header.Get("X-Request-Id")]; got != "ERROR" {
		t.Errorf("503 logged at %q, want ERROR", got)
	}
}

func TestCommittedResponseUntouched(t *testing.T) {
	ts := newTestServer(t, Options{}, func(e *echo.Echo) {
		e.GET("/test/late", func(c echo.Context) error {
			if err := c.String(http.StatusAccepted, "partial"); err != nil {
				return err
			}
			return flowdeck.ErrInternal
		})
	})
	resp, body := get(t, ts.URL+"/test/late", nil)
	if resp.StatusCode != http.StatusAccepted || string(body) != "partial" {
		t.Errorf("got %d %q, want 202 \"partial\"", resp.StatusCode, body)
	}
}
