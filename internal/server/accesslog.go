package server

import (
	"log/slog"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// accessLog logs one line per request: method, path without the query string
// (it may carry authorization codes), route template, status, latency,
// request id and client address. Headers and bodies are never logged. It
// hands errors to the error handler first, so the status logged is the one
// sent.
func (s *Server) accessLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true,
		LogLatency:  true,
		LogRemoteIP: true,
		LogMethod:   true,
		LogURIPath:  true,
		LogStatus:   true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			ctx := c.Request().Context()
			s.log.LogAttrs(ctx, slog.LevelInfo, "http request",
				slog.String("method", v.Method),
				slog.String("path", v.URIPath),
				slog.String("route", c.Path()),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.String("request_id", RequestID(ctx)),
				slog.String("remote_ip", v.RemoteIP),
			)
			return nil
		},
	})
}
