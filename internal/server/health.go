package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// readyTimeout bounds one readiness check, well under a probe's own timeout.
const readyTimeout = 3 * time.Second

// healthBody is the body of /healthz and of a successful /readyz.
type healthBody struct {
	Status  string `json:"status"`
	Version string `json:"version,omitempty"`
}

// healthRoutes registers /healthz (liveness: the process answers) and
// /readyz (readiness: its dependencies answer too).
func (s *Server) healthRoutes(e *echo.Echo) {
	e.Match([]string{http.MethodGet, http.MethodHead}, "/healthz", s.healthz)
	e.Match([]string{http.MethodGet, http.MethodHead}, "/readyz", s.readyz)
}

// healthz reports that the process is alive. It checks no dependency, so a
// database outage never gets the container restarted.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, healthBody{Status: "ok", Version: s.opts.Version})
}

// readyz runs Options.Ready with a short deadline. On failure it answers 503
// with a fixed sentence; the cause goes to the log only.
func (s *Server) readyz(c echo.Context) error {
	if s.opts.Ready != nil {
		ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
		defer cancel()
		if err := s.opts.Ready(ctx); err != nil {
			return flowdeck.Wrap(flowdeck.ErrUnavailable, err, "FlowDeck is not ready: its store is not reachable.")
		}
	}
	return c.JSON(http.StatusOK, healthBody{Status: "ready", Version: s.opts.Version})
}
