package server

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Account is what GET /api/me needs: the signed-in user's profile (from Graph,
// On-Behalf-Of the user) and, for every upstream service, whether FlowDeck can
// reach it for them.
type Account interface {
	Profile(ctx context.Context) (flowdeck.Profile, error)
	Access(ctx context.Context, p flowdeck.Principal) []flowdeck.Access
}

// meResponse is the body of GET /api/me.
type meResponse struct {
	User struct {
		TenantID string `json:"tenantId"`
		ID       string `json:"id"`
		Name     string `json:"name,omitempty"`
		UPN      string `json:"upn,omitempty"`
	} `json:"user"`
	Profile      *flowdeck.Profile `json:"profile"`
	ProfileError *apiError         `json:"profileError,omitempty"`
	Access       []flowdeck.Access `json:"access"`
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (s *Server) meRoutes() {
	if s.opts.Account != nil {
		s.api.GET("/me", s.handleMe)
	}
}

// handleMe answers who the user is and, per service, granted or what to do:
// the tab shows a "Grant access" button for each consentUrl.
func (s *Server) handleMe(c echo.Context) error {
	ctx := c.Request().Context()
	p, ok := flowdeck.PrincipalFrom(ctx)
	if !ok {
		return flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
	}
	var resp meResponse
	resp.User.TenantID, resp.User.ID, resp.User.Name, resp.User.UPN = p.TenantID, p.UserID, p.Name, p.UPN
	// Access first: it obtains every audience's token (one exchange each), so
	// the profile call after it is served from the broker's cache.
	resp.Access = s.opts.Account.Access(ctx, p)
	if profile, err := s.opts.Account.Profile(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		resp.ProfileError = &apiError{Code: flowdeck.Code(err), Message: flowdeck.Message(err)}
	} else {
		resp.Profile = &profile
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, resp)
}
