package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// devRoutes mounts the dev Teams client (`flowdeck dev` only) at /dev/.
func (s *Server) devRoutes(e *echo.Echo) {
	if !s.opts.Dev || s.opts.DevHost == nil {
		return
	}
	e.GET("/dev", func(c echo.Context) error { return c.Redirect(http.StatusFound, "/dev/") })
	e.Any("/dev/*", echo.WrapHandler(s.opts.DevHost))
}
