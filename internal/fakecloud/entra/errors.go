package entra

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Error is an Entra ID (AADSTS) error as the token endpoint reports it. It
// marshals to Entra's JSON error body.
type Error struct {
	// Status is the HTTP status: 400 for most errors, 401 for invalid_client,
	// 503 for temporarily_unavailable.
	Status int `json:"-"`
	// Code is the OAuth error, e.g. "invalid_grant".
	Code string `json:"error"`
	// Description is "AADSTSnnnn: message" followed by the trace lines.
	Description string `json:"error_description"`
	// Codes holds the numeric AADSTS code(s).
	Codes []int `json:"error_codes"`
	// Timestamp is Entra's "2006-01-02 15:04:05Z" time of the error.
	Timestamp string `json:"timestamp"`
	// TraceID identifies the request on the server side.
	TraceID string `json:"trace_id"`
	// CorrelationID echoes the client-request-id header when the client sent one.
	CorrelationID string `json:"correlation_id"`
	// ErrorURI points at Entra's error lookup page.
	ErrorURI string `json:"error_uri"`
	// SubError refines the error, e.g. "consent_required".
	SubError string `json:"suberror,omitempty"`
	// Claims is a claims challenge (JSON) for interaction_required errors.
	Claims string `json:"claims,omitempty"`
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Code + ": " + e.Description }

// aadErr is an AADSTS error before it is stamped with the trace lines.
type aadErr struct {
	status   int
	code     string
	aadsts   int
	msg      string
	suberror string
	claims   string
}

func newErr(status int, code string, aadsts int, format string, args ...any) *aadErr {
	return &aadErr{status: status, code: code, aadsts: aadsts, msg: fmt.Sprintf(format, args...)}
}

func (e *aadErr) Error() string { return fmt.Sprintf("AADSTS%d: %s", e.aadsts, e.msg) }

// stamp turns the error into its wire form at time now.
func (e *aadErr) stamp(now time.Time, correlationID string) *Error {
	if correlationID == "" {
		correlationID = uuid.NewString()
	}
	trace := uuid.NewString()
	ts := now.UTC().Format("2006-01-02 15:04:05Z")
	return &Error{
		Status: e.status,
		Code:   e.code,
		Description: fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
			e.aadsts, e.msg, trace, correlationID, ts),
		Codes:         []int{e.aadsts},
		Timestamp:     ts,
		TraceID:       trace,
		CorrelationID: correlationID,
		ErrorURI:      "https://login.microsoftonline.com/error?code=" + strconv.Itoa(e.aadsts),
		SubError:      e.suberror,
		Claims:        e.claims,
	}
}

// Common error constructors, with Entra's texts.

func errInvalidRequest(aadsts int, format string, args ...any) *aadErr {
	return newErr(http.StatusBadRequest, "invalid_request", aadsts, format, args...)
}

func errMissingParam(name string) *aadErr {
	return errInvalidRequest(900144, "The request body must contain the following parameter: '%s'.", name)
}

func errInvalidGrant(aadsts int, format string, args ...any) *aadErr {
	return newErr(http.StatusBadRequest, "invalid_grant", aadsts, format, args...)
}

func errInvalidScope(format string, args ...any) *aadErr {
	return newErr(http.StatusBadRequest, "invalid_scope", 70011, format, args...)
}

func errConsentRequired(app *App) *aadErr {
	e := errInvalidGrant(65001, "The user or administrator has not consented to use the application with ID '%s' named '%s'. Send an interactive authorization request for this user and resource.", app.ClientID, app.Name)
	e.suberror = "consent_required"
	return e
}

// errInvalidResource is AADSTS650057. Entra answers it with error
// "invalid_client" and HTTP 400.
func errInvalidResource(app *App, requested string, r *Resource) *aadErr {
	return newErr(http.StatusBadRequest, "invalid_client", 650057, "Invalid resource. The client has requested access to a resource which is not listed in the requested permissions in the client's application registration. Client app ID: %s(%s). Resource value from request: %s. Resource app ID: %s. List of valid resources from app registration: %s.",
		app.ClientID, app.Name, requested, r.AppID, app.requiredAppIDs())
}

// writeJSON writes v as a JSON response with Entra's cache headers.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.Header().Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
