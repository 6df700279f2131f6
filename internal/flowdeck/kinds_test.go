package flowdeck_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestEveryKindHasARow: every kind has a status, a code and a sentence,
// codes are unique, and a code read back from the wire is its kind again.
func TestEveryKindHasARow(t *testing.T) {
	kinds := flowdeck.Kinds()
	if len(kinds) != 11 || len(flowdeck.Codes()) != len(kinds) {
		t.Fatalf("%d kinds, %d codes; want 11 of each", len(kinds), len(flowdeck.Codes()))
	}
	seen := map[string]error{}
	for _, k := range kinds {
		t.Run(k.Error(), func(t *testing.T) {
			code, status, msg := flowdeck.Code(k), flowdeck.HTTPStatus(k), flowdeck.DefaultMessage(k)
			if code == "" || msg == "" {
				t.Errorf("code %q, sentence %q: both are needed", code, msg)
			}
			if status < 400 || status > 599 || http.StatusText(status) == "" {
				t.Errorf("status %d is not an HTTP error status", status)
			}
			if got := flowdeck.KindOfCode(code); got != k {
				t.Errorf("KindOfCode(%q) = %v, want %v", code, got, k)
			}
			if flowdeck.KindOf(k) != k {
				t.Errorf("KindOf(%v) = %v", k, flowdeck.KindOf(k))
			}
			if other, dup := seen[code]; dup {
				t.Errorf("code %q is also %v's", code, other)
			}
			seen[code] = k
			// A wrapped error and an *Error of the kind answer alike.
			for _, err := range []error{fmt.Errorf("op: %w", k), flowdeck.Errorf(k, "Custom sentence.")} {
				if flowdeck.HTTPStatus(err) != status || flowdeck.Code(err) != code || flowdeck.DefaultMessage(err) != msg {
					t.Errorf("%v: %d %q %q, want %d %q %q", err, flowdeck.HTTPStatus(err), flowdeck.Code(err), flowdeck.DefaultMessage(err), status, code, msg)
				}
			}
		})
	}
}

// TestErrorTableValues pins the statuses a client sees; consent required is
// 403 (the caller is signed in, a grant is missing), not 401 or 412.
func TestErrorTableValues(t *testing.T) {
	tests := []struct {
		kind   error
		status int
		code   string
	}{
		{flowdeck.ErrInvalid, 400, "invalid"},
		{flowdeck.ErrNotFound, 404, "not_found"},
		{flowdeck.ErrConflict, 409, "conflict"},
		{flowdeck.ErrUnauthenticated, 401, "unauthenticated"},
		{flowdeck.ErrForbidden, 403, "forbidden"},
		{flowdeck.ErrConsentRequired, 403, "consent_required"},
		{flowdeck.ErrInteractionRequired, 401, "interaction_required"},
		{flowdeck.ErrThrottled, 429, "throttled"},
		{flowdeck.ErrUnavailable, 503, "unavailable"},
		{flowdeck.ErrMisconfigured, 500, "misconfigured"},
		{flowdeck.ErrInternal, 500, "internal"},
	}
	for _, tt := range tests {
		if s, c := flowdeck.HTTPStatus(tt.kind), flowdeck.Code(tt.kind); s != tt.status || c != tt.code {
			t.Errorf("%v: %d %q, want %d %q", tt.kind, s, c, tt.status, tt.code)
		}
	}
}

// TestErrorsWithoutKind: a plain error is internal; nil has no kind; an
// unknown code is internal, never a more hopeful kind.
func TestErrorsWithoutKind(t *testing.T) {
	plain := errors.New("db: SECRET-CAUSE")
	if flowdeck.KindOf(plain) != flowdeck.ErrInternal || flowdeck.HTTPStatus(plain) != 500 || flowdeck.Code(plain) != "internal" {
		t.Errorf("plain error: %v %d %q", flowdeck.KindOf(plain), flowdeck.HTTPStatus(plain), flowdeck.Code(plain))
	}
	if flowdeck.HTTPStatus(context.DeadlineExceeded) != 500 {
		t.Errorf("a bare deadline has no kind: %d, want 500", flowdeck.HTTPStatus(context.DeadlineExceeded))
	}
	if flowdeck.KindOf(nil) != nil || flowdeck.HTTPStatus(nil) != 200 || flowdeck.Code(nil) != "" || flowdeck.Message(nil) != "" {
		t.Errorf("nil: %v %d %q %q", flowdeck.KindOf(nil), flowdeck.HTTPStatus(nil), flowdeck.Code(nil), flowdeck.Message(nil))
	}
	for _, code := range []string{"", "nope", "NOT_FOUND", "http_418"} {
		if k := flowdeck.KindOfCode(code); k != flowdeck.ErrInternal {
			t.Errorf("KindOfCode(%q) = %v, want internal", code, k)
		}
	}
}

// TestMessage: an error's own sentence wins, except an internal error's,
// which may hold internal details; without one, the table's sentence.
func TestMessage(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"own sentence", flowdeck.Errorf(flowdeck.ErrNotFound, "No flow named Payroll."), "No flow named Payroll."},
		{"wrapped own sentence", fmt.Errorf("op: %w", flowdeck.Errorf(flowdeck.ErrThrottled, "Busy.")), "Busy."},
		{"no sentence", flowdeck.Wrap(flowdeck.ErrConflict, errors.New("etag"), ""), flowdeck.DefaultMessage(flowdeck.ErrConflict)},
		{"bare kind", flowdeck.ErrConsentRequired, flowdeck.DefaultMessage(flowdeck.ErrConsentRequired)},
		{"internal hides its text", flowdeck.Errorf(flowdeck.ErrInternal, "nil map in SECRET"), flowdeck.DefaultMessage(flowdeck.ErrInternal)},
		{"plain error", errors.New("SECRET"), flowdeck.DefaultMessage(flowdeck.ErrInternal)},
	}
	for _, tt := range tests {
		if got := flowdeck.Message(tt.err); got != tt.want || got == "" {
			t.Errorf("%s: Message = %q, want %q", tt.name, got, tt.want)
		}
	}
}
