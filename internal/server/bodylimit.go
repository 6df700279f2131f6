package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// bodyLimit refuses request bodies larger than limit bytes: at once when the
// Content-Length says so, else when the handler reads past the limit (the
// read fails with *http.MaxBytesError, which the error handler answers with 413).
func bodyLimit(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > limit {
				return echo.ErrStatusRequestEntityTooLarge
			}
			if req.Body != nil && req.Body != http.NoBody {
				req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			}
			return next(c)
		}
	}
}
