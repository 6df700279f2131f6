package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// kindStatus is the one table from domain error kinds to HTTP statuses.
var kindStatus = map[error]int{
	flowdeck.ErrInvalid:             http.StatusBadRequest,
	flowdeck.ErrUnauthenticated:     http.StatusUnauthorized,
	flowdeck.ErrInteractionRequired: http.StatusUnauthorized, // the token is no longer good enough: sign in again
	flowdeck.ErrForbidden:           http.StatusForbidden,
	// ErrConsentRequired is 403, not 401: the caller is authenticated and a
	// new sign-in with the same consent would fail the same way. What is
	// missing is a grant; the body's code tells the tab to show the consent
	// button, and a 401 would make clients retry with a fresh token instead.
	flowdeck.ErrConsentRequired: http.StatusForbidden,
	flowdeck.ErrNotFound:        http.StatusNotFound,
	flowdeck.ErrConflict:        http.StatusConflict,
	flowdeck.ErrThrottled:       http.StatusTooManyRequests,
	flowdeck.ErrUnavailable:     http.StatusServiceUnavailable,
	flowdeck.ErrMisconfigured:   http.StatusInternalServerError,
	flowdeck.ErrInternal:        http.StatusInternalServerError,
}

// httpCodes gives Echo's own errors (routing, body limit, …) a stable code
// and a sentence; statuses not listed fall back to "http_<status>".
var httpCodes = map[int]struct{ code, msg string }{
	http.StatusBadRequest:            {"invalid", "The request is not valid."},
	http.StatusUnauthorized:          {"unauthenticated", "Sign in to continue."},
	http.StatusForbidden:             {"forbidden", "You do not have permission to do that."},
	http.StatusNotFound:              {"not_found", "That was not found."},
	http.StatusMethodNotAllowed:      {"method_not_allowed", "That method is not allowed here."},
	http.StatusRequestEntityTooLarge: {"too_large", "The request body is too large."},
	http.StatusUnsupportedMediaType:  {"unsupported_media_type", "That content type is not supported."},
	http.StatusTooManyRequests:       {"throttled", "The service is busy; try again shortly."},
	http.StatusServiceUnavailable:    {"unavailable", "The service is not available; try again in a minute."},
	http.StatusGatewayTimeout:        {"timeout", "That took too long; try again."},
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Detail  map[string]string `json:"detail,omitempty"`
}

// errorResponse is what an error turns into: status, body, and headers.
type errorResponse struct {
	status     int
	body       errorBody
	retryAfter time.Duration
}

// classify maps err to its response. It never puts err's text in the body.
func classify(err error) errorResponse {
	var he *echo.HTTPError
	var mbe *http.MaxBytesError
	var fe *flowdeck.Error
	switch {
	case errors.As(err, &mbe):
		return echoResponse(http.StatusRequestEntityTooLarge)
	case errors.As(err, &he):
		return echoResponse(he.Code)
	case flowdeck.KindOf(err) == flowdeck.ErrInternal && !errors.Is(err, flowdeck.ErrInternal) &&
		errors.Is(err, context.DeadlineExceeded):
		// A bare deadline (no domain kind): the request's own timeout ran out.
		return echoResponse(http.StatusGatewayTimeout)
	}
	status, ok := kindStatus[flowdeck.KindOf(err)]
	if !ok {
		status = http.StatusInternalServerError
	}
	r := errorResponse{
		status: status,
		body:   errorBody{Code: flowdeck.Code(err), Message: flowdeck.Message(err)},
	}
	if errors.As(err, &fe) {
		r.body.Detail = fe.Detail
		r.retryAfter = fe.RetryAfter
	}
	return r
}

// echoResponse is the response for a bare HTTP status.
func echoResponse(status int) errorResponse {
	c, ok := httpCodes[status]
	if !ok {
		c.code = "http_" + strconv.Itoa(status)
		c.msg = http.StatusText(status)
	}
	return errorResponse{status: status, body: errorBody{Code: c.code, Message: c.msg}}
}

// handleError is the Echo error handler: it answers every error a handler
// or middleware returns with {"code","message"[,"detail"]}, logs 5xx at
// error level with the whole chain and 4xx at debug level.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	ctx := c.Request().Context()
	if s.opts.Permissions != nil {
		if p, ok := flowdeck.PrincipalFrom(ctx); ok {
			err = s.opts.Permissions.ExplainMissingPermission(p, err)
		}
	}
	r := classify(err)
	attrs := []slog.Attr{
		slog.String("request_id", RequestID(ctx)),
		slog.String("method", c.Request().Method),
		slog.String("route", c.Path()),
		slog.Int("status", r.status),
		slog.String("error", err.Error()),
	}
	var pe *panicError
	if errors.As(err, &pe) {
		attrs = append(attrs, slog.String("stack", string(pe.stack)))
	}
	level := slog.LevelDebug
	if r.status >= http.StatusInternalServerError {
		level = slog.LevelError
	}
	s.log.LogAttrs(ctx, level, "http error", attrs...)

	if r.retryAfter > 0 {
		secs := int64((r.retryAfter + time.Second - 1) / time.Second) // round up
		c.Response().Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(r.status)
	} else {
		werr = c.JSON(r.status, r.body)
	}
	if werr != nil {
		s.log.LogAttrs(ctx, slog.LevelDebug, "http error: writing response",
			slog.String("request_id", RequestID(ctx)), slog.String("error", werr.Error()))
	}
}
