package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// chatRoutes: GET /api/chat → ops.ChatInvite (is FlowDeck in the user's
// personal chat, and the Teams deep link to it when not).
func (t *tab) chatRoutes(g *echo.Group) {
	g.GET("/chat", t.chat, noStore)
}

func (t *tab) chat(c echo.Context) error {
	inv, err := t.ops.ChatInvite(ctxOf(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inv)
}
