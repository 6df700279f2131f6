package server

import (
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// requestTimeout puts a deadline of d on every request's context. Handlers
// that honour ctx return context.DeadlineExceeded, which the error handler
// answers with 504; the error is passed through unchanged for that.
func requestTimeout(d time.Duration) echo.MiddlewareFunc {
	return middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
		Timeout:      d,
		ErrorHandler: func(err error, _ echo.Context) error { return err },
	})
}
