package server

import (
	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// connectionRoutes: GET /api/connections → ops.ConnectionsReport.
func (t *tab) connectionRoutes(g *echo.Group) {
	g.GET("/connections", t.connections, noStore)
}

func (t *tab) connections(c echo.Context) error {
	rep, err := t.ops.Connections(ctxOf(c))
	if err != nil {
		return err
	}
	if rep.Connections == nil {
		rep.Connections = []flowdeck.Connection{}
	}
	return okBriefly(c, rep)
}
