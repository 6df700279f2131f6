package server

import (
	"context"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// maxRequestIDLen is the longest incoming X-Request-Id accepted.
const maxRequestIDLen = 64

// RequestID returns the id of the HTTP request ctx belongs to, or "" when ctx
// does not come from a request served by this package. Loggers and outbound
// clients use it to correlate their lines and calls with the request.
// It is flowdeck.RequestID, which outbound clients use without importing this package.
func RequestID(ctx context.Context) string { return flowdeck.RequestID(ctx) }

// requestID keeps a well-formed incoming X-Request-Id (so a proxy's id
// survives) or makes a new one, and puts it in the response header and the
// request context.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		id := req.Header.Get(echo.HeaderXRequestID)
		if !validRequestID(id) {
			id = uuid.NewString()
		}
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		c.SetRequest(req.WithContext(flowdeck.WithRequestID(req.Context(), id)))
		return next(c)
	}
}

// validRequestID reports whether id matches [A-Za-z0-9._-]{1,64}: nothing
// that could forge log lines or headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '.', b == '_', b == '-':
		default:
			return false
		}
	}
	return true
}
