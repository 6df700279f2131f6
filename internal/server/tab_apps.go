package server

import (
	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// appRoutes: GET /api/apps → ops.AppsReport.
func (t *tab) appRoutes(g *echo.Group) {
	g.GET("/apps", t.apps, noStore)
}

func (t *tab) apps(c echo.Context) error {
	rep, err := t.ops.Apps(ctxOf(c))
	if err != nil {
		return err
	}
	if rep.Apps == nil {
		rep.Apps = []flowdeck.App{}
	}
	return okBriefly(c, rep)
}
