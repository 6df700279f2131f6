package server

import (
	"github.com/labstack/echo/v4"
)

// dashboardRoutes: GET /api/dashboard?window=24h|7d (default 24h) → ops.Dashboard.
func (t *tab) dashboardRoutes(g *echo.Group) {
	g.GET("/dashboard", t.dashboard, noStore)
}

func (t *tab) dashboard(c echo.Context) error {
	q := newQuery(c)
	window := q.enum("window", "24h", "24h", "7d")
	if q.err != nil {
		return q.err
	}
	d, err := t.ops.Dashboard(ctxOf(c), window)
	if err != nil {
		return err
	}
	return okBriefly(c, d)
}
