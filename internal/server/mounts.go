package server

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// Mount is a handler served under a path prefix, behind the server's
// middleware (request id, access log, security headers and CSP, rate limit,
// timeout): `flowdeck dev` mounts its dev Teams client at /dev/ this way.
type Mount struct {
	// Prefix is the path the handler owns, with a leading and a trailing
	// slash ("/dev/"); GET without the trailing slash redirects to it. The
	// handler sees the whole path.
	Prefix string
	// Handler serves every method under Prefix.
	Handler http.Handler
}

// mountRoutes registers opts.Mounts.
func (s *Server) mountRoutes(e *echo.Echo) {
	for _, m := range s.opts.Mounts {
		prefix := m.Prefix
		e.GET(strings.TrimSuffix(prefix, "/"), func(c echo.Context) error { return c.Redirect(http.StatusFound, prefix) })
		e.Any(prefix+"*", echo.WrapHandler(m.Handler))
	}
}
