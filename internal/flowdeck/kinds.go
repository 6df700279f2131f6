package flowdeck

import (
	"errors"
	"net/http"
)

// kind is one row of the error table: a kind, its stable wire code, the
// HTTP status every surface answers it with, and the sentence shown when an
// error of the kind carries none of its own.
type kind struct {
	err    error
	code   string
	status int
	msg    string
}

// kinds is the one table from error kinds to what the outside sees, in the
// order KindOf tries them. The tab API (server), the bot endpoint
// (botframework) and the cards read it through HTTPStatus, Code and Message;
// nothing else maps a kind to a status. The one exception is the Bot
// Framework's signin/tokenExchange invoke, documented where the endpoint
// answers it (botframework/errors.go, TokenExchangeFailed).
var kinds = []kind{
	{ErrInvalid, "invalid", http.StatusBadRequest, "The request is not valid."},
	{ErrNotFound, "not_found", http.StatusNotFound, "That was not found."},
	{ErrConflict, "conflict", http.StatusConflict, "That changed or exists already; reload and try again."},
	{ErrUnauthenticated, "unauthenticated", http.StatusUnauthorized, "Sign in to continue."},
	{ErrForbidden, "forbidden", http.StatusForbidden, "You do not have permission to do that."},
	// Consent required is 403, not 401: the caller is authenticated, and a
	// new sign-in with the same consent would fail the same way. What is
	// missing is a grant; the code tells the client to offer the consent
	// button, where a 401 would make it retry with a fresh token. Teams'
	// SSO guidance answers "consent missing" with a 403 Forbidden whose body
	// says what to do (learn.microsoft.com/microsoftteams/platform/tabs/how-to/authentication/tab-sso-troubleshooting).
	{ErrConsentRequired, "consent_required", http.StatusForbidden, "FlowDeck needs your consent to reach this service."},
	// Interaction required is 401: the token is no longer good enough, and
	// signing in again (interactively) is the way out.
	{ErrInteractionRequired, "interaction_required", http.StatusUnauthorized, "Sign in again to continue."},
	{ErrThrottled, "throttled", http.StatusTooManyRequests, "The service is busy; try again shortly."},
	{ErrUnavailable, "unavailable", http.StatusServiceUnavailable, "A service FlowDeck depends on is not answering; try again in a minute."},
	{ErrMisconfigured, "misconfigured", http.StatusInternalServerError, "FlowDeck is not set up correctly; ask your administrator to run 'flowdeck doctor'."},
	{ErrInternal, "internal", http.StatusInternalServerError, "Something went wrong on our side."},
}

// rowOf returns the table row of err's kind; a nil err has none (the zero row).
func rowOf(err error) kind {
	k := KindOf(err)
	for _, r := range kinds {
		if r.err == k {
			return r
		}
	}
	return kind{}
}

// KindOf returns the kind of err: one of the Err* kinds, or ErrInternal when
// err carries none. A nil err has no kind and returns nil.
func KindOf(err error) error {
	if err == nil {
		return nil
	}
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			return k.err
		}
	}
	return ErrInternal
}

// KindOfCode is the reverse of Code: the kind whose wire code is code, or
// ErrInternal for a code that names none (so that an error read back from
// the wire is never mistaken for a more hopeful kind).
func KindOfCode(code string) error {
	for _, k := range kinds {
		if k.code == code {
			return k.err
		}
	}
	return ErrInternal
}

// Code returns the stable wire code of err's kind ("not_found", "throttled",
// …); "" for a nil err.
func Code(err error) string { return rowOf(err).code }

// HTTPStatus returns the HTTP status of err's kind (404 for ErrNotFound, 403
// for ErrConsentRequired, 500 for an error with no kind); 200 for a nil err.
func HTTPStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	return rowOf(err).status
}

// Message returns the sentence to show a user for err: the message of the
// outermost *Error, or the default sentence of its kind (DefaultMessage).
// The message of an internal error is never returned, as it may hold
// internal details.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" && KindOf(err) != ErrInternal {
		return e.Message
	}
	return DefaultMessage(err)
}

// DefaultMessage returns the table's sentence for err's kind, whatever
// message err carries; "" for a nil err.
func DefaultMessage(err error) string { return rowOf(err).msg }

// Kinds returns every kind, in the table's order, for documentation and tests.
func Kinds() []error {
	out := make([]error, len(kinds))
	for i, k := range kinds {
		out[i] = k.err
	}
	return out
}

// Codes returns every wire code, in the table's order, for documentation and tests.
func Codes() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.code
	}
	return out
}
