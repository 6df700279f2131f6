package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// AuthHandlers are the consent and sign-in pages, served outside the /api
// group (the popup that opens them carries no bearer token; its state does).
type AuthHandlers struct {
	// Start redirects to Entra ID (GET /auth/start).
	Start http.Handler
	// End receives Entra's answer and tells Teams how it went (GET /auth/end).
	End http.Handler
	// Script is the end page's script, served as a file so the CSP can
	// forbid inline scripts.
	Script http.Handler
	// ScriptPath is where Script is served (e.g. /auth/end.js).
	ScriptPath string
}

func (s *Server) authRoutes(e *echo.Echo) {
	a := s.opts.Auth
	if a == nil {
		return
	}
	noStore := func(h http.Handler) echo.HandlerFunc {
		return echo.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			h.ServeHTTP(w, r)
		}))
	}
	if a.Start != nil {
		e.GET("/auth/start", noStore(a.Start))
	}
	if a.End != nil {
		e.GET("/auth/end", noStore(a.End))
	}
	if a.Script != nil && a.ScriptPath != "" {
		e.GET(a.ScriptPath, echo.WrapHandler(a.Script))
	}
}
