package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TokenVerifier is the port the tab API authenticates with: it turns a raw
// Teams SSO token into the user it names. *identity.Verifier implements it
// (its Principal method).
//
// Errors carry a kind: flowdeck.ErrUnauthenticated for a token to replace,
// flowdeck.ErrForbidden for a user who may not use FlowDeck. They must never
// contain the token.
type TokenVerifier interface {
	Principal(ctx context.Context, raw string) (flowdeck.Principal, error)
}

// apiRoutes creates the /api group, behind authenticate. Tab API handlers
// register on s.api. (Unknown /api paths answer 404 before authentication:
// see staticRoutes.)
func (s *Server) apiRoutes(e *echo.Echo) {
	s.api = e.Group("/api", s.authenticate)
}

// authenticate reads "Authorization: Bearer <token>" (the token as the tab's
// getAuthToken returns it), verifies it, and puts the principal and the
// verified token as a flowdeck.Assertion in the request context: this is
// where the tab's assertion starts its way to the broker's On-Behalf-Of
// exchange (context → upstream transport → identity.Broker.Token).
// A missing or invalid token answers 401 with WWW-Authenticate: Bearer. The
// token is never logged or echoed.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		raw, ok := bearerToken(req.Header)
		if !ok {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, "Bearer")
			return flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
		}
		if s.opts.Verifier == nil {
			return flowdeck.Errorf(flowdeck.ErrMisconfigured, "FlowDeck's sign-in is not configured.")
		}
		p, err := s.opts.Verifier.Principal(req.Context(), raw)
		if err != nil {
			if flowdeck.KindOf(err) == flowdeck.ErrUnauthenticated {
				c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer error="invalid_token"`)
			}
			return err
		}
		ctx := flowdeck.WithAssertion(flowdeck.WithPrincipal(req.Context(), p), flowdeck.NewAssertion(raw))
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}

// bearerToken returns the token of the request's single Authorization
// header when its scheme is Bearer (in any letter case).
func bearerToken(h http.Header) (string, bool) {
	vs := h.Values(echo.HeaderAuthorization)
	if len(vs) != 1 {
		return "", false
	}
	scheme, tok, ok := strings.Cut(vs[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimLeft(tok, " ")
	return tok, tok != ""
}
