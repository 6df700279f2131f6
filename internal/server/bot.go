package server

import (
	"github.com/labstack/echo/v4"
)

// botRoutes mounts the Bot Framework endpoint at POST /api/messages. It sits
// outside the SSO-protected /api group: Bot Framework authenticates with its
// own channel token, which Options.Bot verifies before anything else.
func (s *Server) botRoutes(e *echo.Echo) {
	if s.opts.Bot != nil {
		e.POST("/api/messages", echo.WrapHandler(s.opts.Bot))
	}
}
