package server

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// publicFrameAncestors are the hosts that frame a Teams tab in the public
// cloud (Teams, the Microsoft 365 app and Outlook), used when
// Options.TeamsFrameAncestors is nil. A tab framed by any other origin is
// refused by the browser through frame-ancestors.
func publicFrameAncestors() []string {
	c, _ := cloud.Get(cloud.Public)
	return c.FrameAncestors
}

// hstsValue is sent on https only: browsers ignore it on http, and sending it
// from a plain-http dev server would be wrong anyway.
const hstsValue = "max-age=31536000; includeSubDomains"

// contentSecurityPolicy builds the one CSP header of every response: the
// page itself may load only its own scripts, styles, images and API, and only
// Teams, Microsoft 365, Outlook and extra may frame it. No X-Frame-Options is
// ever sent: it cannot list several origins and would break the Teams tab.
func contentSecurityPolicy(teams, extra []string) (string, error) {
	if teams == nil {
		teams = publicFrameAncestors()
	}
	ancestors := []string{"'self'"}
	for _, a := range append(teams[:len(teams):len(teams)], extra...) {
		if a == "" || a == "*" || strings.ContainsAny(a, " ;,\t\r\n'\"") {
			return "", fmt.Errorf("server: frame ancestor %q is not a single CSP source", a)
		}
		ancestors = append(ancestors, a)
	}
	directives := []string{
		"default-src 'self'",
		// The Teams JavaScript SDK from Microsoft's CDN, for the sign-in end page.
		"script-src 'self' https://res.cdn.office.net",
		// Fluent UI (Griffel) inserts its styles as <style> elements at run
		// time; without 'unsafe-inline' for styles the tab renders unstyled.
		// Scripts stay 'self' only: inline styles cannot run code.
		"style-src 'self' 'unsafe-inline'",
		"img-src 'self' data:",
		"connect-src 'self'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors " + strings.Join(ancestors, " "),
	}
	return strings.Join(directives, "; "), nil
}

// securityHeaders sets the security headers before the handler runs, so they
// are on every response: JSON, static files, errors and 404s alike.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		h.Set(echo.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
		h.Set(echo.HeaderContentSecurityPolicy, s.csp)
		if c.Scheme() == "https" {
			h.Set(echo.HeaderStrictTransportSecurity, hstsValue)
		}
		return next(c)
	}
}
