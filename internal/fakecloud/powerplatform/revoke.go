package powerplatform

import (
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// RevokeTokens refuses, from now on, every access token of the user issued
// up to now (see revocation.List.Revoke for the one-second rule), as Power
// Platform does once Entra revokes the user's sessions (revokeSignInSessions,
// a password reset, an admin's "revoke sessions"). Combine it with the fake
// Entra ID's RevokeRefreshTokens to play a full revocation.
func (s *Server) RevokeTokens(tenant, user string) { s.revoked.Revoke(tenant, user, s.now()) }

// RevokeTokensIssuedBefore refuses every access token of the user issued
// before t, which may lie in the future (then fresh tokens are refused too,
// as when a session stays revoked).
func (s *Server) RevokeTokensIssuedBefore(tenant, user string, t time.Time) {
	s.revoked.RevokeBefore(tenant, user, t)
}

// ClearRevocations forgets every RevokeTokens.
func (s *Server) ClearRevocations() { s.revoked.Clear() }

// checkRevoked refuses a token issued before its user's revocation. What
// Power Platform answers then is not documented: the fake answers the 401
// InvalidAuthenticationToken envelope it uses for any invalid token, with the
// RFC 6750 invalid_token challenge (unverified; the stricter reading: Entra
// access tokens are otherwise valid until they expire).
func (s *Server) checkRevoked(claims jwt.MapClaims) *apiError {
	if _, revoked := s.revoked.Revoked(claims); !revoked {
		return nil
	}
	return &apiError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken",
		message: "The access token is invalid. It was issued before the user's sessions were revoked.",
		header:  http.Header{"WWW-Authenticate": {`Bearer error="invalid_token", error_description="The access token has been revoked"`}}}
}
