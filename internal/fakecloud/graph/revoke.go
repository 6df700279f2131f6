package graph

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// RevokeTokens refuses, from now on, every access token of the user issued
// up to now (see revocation.List.Revoke for the one-second rule), as Graph
// does under Continuous Access Evaluation once Entra revokes the user's
// sessions. Combine it with the fake Entra ID's RevokeRefreshTokens to play a
// full revocation.
func (s *Server) RevokeTokens(tenant, user string) { s.revoked.Revoke(tenant, user, s.opts.Now()) }

// RevokeTokensIssuedBefore refuses every access token of the user issued
// before t, which may lie in the future (then fresh tokens are refused too).
func (s *Server) RevokeTokensIssuedBefore(tenant, user string, t time.Time) {
	s.revoked.RevokeBefore(tenant, user, t)
}

// refuseRevoked answers 401 for a token issued before its user's revocation
// and reports whether it did. A client that declared the cp1 capability
// (xms_cc) gets the claims challenge — WWW-Authenticate: Bearer …,
// error="insufficient_claims", claims=<base64 of {"access_token":{"nbf":…}}>
// (https://learn.microsoft.com/entra/identity-platform/claims-challenge; the
// header and the nbf claims as MSAL.NET's CAE test records them,
// AzureAD/microsoft-authentication-library-for-dotnet SeleniumTests/CaeUserTests.cs);
// Graph sends claims challenges only to such clients ("only if it declares
// its client capabilities", same page). Any other client gets the plain
// InvalidAuthenticationToken refusal (unverified: without CAE, Graph would
// accept the token until it expires; the fake takes the stricter reading).
func (s *Server) refuseRevoked(w http.ResponseWriter, claims jwt.MapClaims) bool {
	from, revoked := s.revoked.Revoked(claims)
	if !revoked {
		return false
	}
	const msg = "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp"
	if capable(claims) {
		challenge := fmt.Sprintf(`{"access_token":{"nbf":{"essential":true,"value":"%d"}}}`, from.Unix())
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="%s"`,
			base64.StdEncoding.EncodeToString([]byte(challenge))))
	} else {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="invalid_token"`)
	}
	writeError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
	return true
}

// capable reports whether the token's client declared the cp1 capability
// (the xms_cc claim), i.e. can handle claims challenges.
func capable(claims jwt.MapClaims) bool {
	cc, _ := claims["xms_cc"].([]any)
	for _, c := range cc {
		if s, ok := c.(string); ok && strings.EqualFold(s, "cp1") {
			return true
		}
	}
	return false
}
