package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// signOutRoutes: POST /api/signout → 204, when Options.SignOut is set. It
// forgets the user's upstream tokens (the broker's SignOut); the Teams SSO
// token itself is Teams' to manage.
func (t *tab) signOutRoutes(g *echo.Group) {
	if t.signOut != nil {
		g.POST("/signout", t.signOutUser, noStore)
	}
}

func (t *tab) signOutUser(c echo.Context) error {
	if err := noBody(c); err != nil {
		return err
	}
	ctx := ctxOf(c)
	p, ok := flowdeck.PrincipalFrom(ctx)
	if !ok {
		return flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
	}
	if err := t.signOut(ctx, p); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
