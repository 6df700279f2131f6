package flowdeck

import (
	"errors"
	"fmt"
	"time"
)

// Error kinds. Every error that leaves an adapter carries one of them, so that
// each surface (HTTP, bot, cards, monitor) can decide what to show and what to
// do next with errors.Is, without knowing where the error came from.
var (
	// ErrInvalid means the caller sent something malformed or out of range.
	ErrInvalid = errors.New("invalid")
	// ErrNotFound means the thing asked for does not exist (or is not visible to the caller).
	ErrNotFound = errors.New("not found")
	// ErrConflict means the thing exists already, or changed under the caller.
	ErrConflict = errors.New("conflict")
	// ErrUnauthenticated means no valid credential was presented.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden means the caller is known but lacks a permission.
	ErrForbidden = errors.New("forbidden")
	// ErrConsentRequired means a delegated permission has not been consented to.
	ErrConsentRequired = errors.New("consent required")
	// ErrInteractionRequired means the user must sign in interactively (MFA,
	// Conditional Access, expired refresh token).
	ErrInteractionRequired = errors.New("interaction required")
	// ErrThrottled means a request must wait: an upstream asked us to slow
	// down, or the caller went over FlowDeck's own rate limit.
	ErrThrottled = errors.New("throttled")
	// ErrUnavailable means a dependency (upstream API, database) could not be reached
	// or answered with a server error.
	ErrUnavailable = errors.New("unavailable")
	// ErrMisconfigured means the deployment, not the user, is at fault.
	ErrMisconfigured = errors.New("misconfigured")
	// ErrInternal is any failure that is none of the above: a bug.
	ErrInternal = errors.New("internal error")
)

// ErrNotDone is not a kind but a cause: it marks a failed change that
// certainly did not happen (FlowDeck re-read the state after an unclear
// answer and found it unchanged), so that the user may simply try again.
var ErrNotDone = errors.New("the change did not happen")

// Error is a domain error: a kind, a sentence a user understands, and the
// underlying cause for the logs. Message never contains secrets or tokens.
type Error struct {
	// Kind is one of the Err* kinds above.
	Kind error
	// Message is shown to users; it says what happened and, where it can, what to do next.
	Message string
	// Detail is optional structured data for clients (missing scopes, consent URL, claims).
	Detail map[string]string
	// RetryAfter, when non-zero, is how long the caller should wait before retrying.
	RetryAfter time.Duration
	// Err is the cause, for logs only.
	Err error
}

// Errorf returns an *Error of the given kind with a formatted user-facing message.
func Errorf(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error of the given kind that keeps err as its cause.
func Wrap(kind error, err error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// Error implements error. It includes the cause, so it is for logs, not users.
func (e *Error) Error() string {
	s := e.Message
	if s == "" {
		s = e.Kind.Error()
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is reports whether target is this error's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
