package server

import (
	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// environmentsResponse is the body of GET /api/environments.
type environmentsResponse struct {
	Environments []flowdeck.Environment `json:"environments"`
}

// environmentRoutes: GET /api/environments → {"environments":[…]}.
func (t *tab) environmentRoutes(g *echo.Group) {
	g.GET("/environments", t.environments, noStore)
}

func (t *tab) environments(c echo.Context) error {
	envs, err := t.ops.Environments(ctxOf(c))
	if err != nil {
		return err
	}
	if envs == nil {
		envs = []flowdeck.Environment{}
	}
	return okBriefly(c, environmentsResponse{Environments: envs})
}
