package server

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// staticRoutes serves the tab UI at / and answers unknown /api/ paths with a
// JSON 404, so API clients never get the HTML page.
func (s *Server) staticRoutes(e *echo.Echo) {
	files := echo.StaticDirectoryHandler(s.opts.UI, false)
	static := func(c echo.Context) error {
		err := files(c)
		var ee url.EscapeError
		if errors.As(err, &ee) {
			// A path that cannot be decoded names no file: 404, not 500.
			return echo.ErrNotFound.WithInternal(err)
		}
		return err
	}
	e.Match([]string{http.MethodGet, http.MethodHead}, "/*", static)
	e.Any("/api", apiNotFound)
	e.Any("/api/*", apiNotFound)
}

// apiNotFound answers an API path that no route serves.
func apiNotFound(echo.Context) error { return echo.ErrNotFound }
