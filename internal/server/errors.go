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

// httpCodes gives Echo's own errors (routing, body limit, timeouts, …) a
// stable code and a sentence. The statuses that are a domain kind's take the
// kind's code and sentence from the one table (flowdeck.Code,
// flowdeck.DefaultMessage); the others are the transport's own. Statuses not
// listed fall back to "http_<status>". Domain errors never come here: their
// status is flowdeck.HTTPStatus.
var httpCodes = map[int]struct{ code, msg string }{
	http.StatusBadRequest:            kindCode(flowdeck.ErrInvalid),
	http.StatusUnauthorized:          kindCode(flowdeck.ErrUnauthenticated),
	http.StatusForbidden:             kindCode(flowdeck.ErrForbidden),
	http.StatusNotFound:              kindCode(flowdeck.ErrNotFound),
	http.StatusMethodNotAllowed:      {"method_not_allowed", "That method is not allowed here."},
	http.StatusRequestEntityTooLarge: {"too_large", "The request body is too large."},
	http.StatusUnsupportedMediaType:  {"unsupported_media_type", "That content type is not supported."},
	http.StatusTooManyRequests:       kindCode(flowdeck.ErrThrottled),
	// FlowDeck itself (draining, shedding load), not a service it depends
	// on as ErrUnavailable's sentence says: same code, its own sentence.
	http.StatusServiceUnavailable: {flowdeck.Code(flowdeck.ErrUnavailable), "The service is not available; try again in a minute."},
	http.StatusGatewayTimeout:     {"timeout", "That took too long; try again."},
}

// kindCode is the code and default sentence of a kind, from the one table.
func kindCode(kind error) struct{ code, msg string } {
	return struct{ code, msg string }{flowdeck.Code(kind), flowdeck.DefaultMessage(kind)}
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

// classify maps err to its response: Echo's own errors, a body over the
// limit and the request's own timeout by httpCodes, every domain error by
// flowdeck's one table (flowdeck.HTTPStatus, Code, Message). It never puts
// err's text in the body.
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
	r := errorResponse{
		status: flowdeck.HTTPStatus(err),
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
