package entra

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// grantOBO serves the On-Behalf-Of exchange (jwt-bearer, on_behalf_of).
func (s *Server) grantOBO(req *tokenRequest) (map[string]any, *aadErr) {
	form := req.r.PostForm
	if form.Get("requested_token_use") != "on_behalf_of" {
		return nil, errMissingParam("requested_token_use")
	}
	assertion := form.Get("assertion")
	if assertion == "" {
		return nil, errMissingParam("assertion")
	}
	claims, aerr := s.verifyAssertion(req.app, assertion)
	if aerr != nil {
		return nil, aerr
	}
	tid, _ := claims["tid"].(string)
	oid, _ := claims["oid"].(string)
	if req.tenant != nil && !strings.EqualFold(req.tenant.ID, tid) {
		return nil, errUserNotInTenant(oid, tid, req.tenant, req.app)
	}
	s.mu.Lock()
	tenant, tok := s.resolveTenant(tid)
	user, uok := s.user(tid, oid)
	s.mu.Unlock()
	if !tok {
		return nil, errTenantNotFound(tid)
	}
	if !uok {
		return nil, errInvalidGrant(50034, "The user account {EUII Hidden} does not exist in the %s directory. To sign into this application, the account must be added to the directory.", tenant.ID)
	}
	q, aerr := s.parseScopes(form.Get("scope"), tenant.Name)
	if aerr != nil {
		return nil, aerr
	}
	mfaDone := false
	if amr, ok := claims["amr"].([]any); ok {
		mfaDone = slices.Contains(amr, any("mfa"))
	}
	if aerr := checkGrantClaims(req.r, mfaDone); aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	s.stats.obo[oboKey{lower(tenant.ID), lower(user.ID), q.res.ID}]++
	scopes, aerr := s.checkDelegated(req.app, tenant.ID, user.ID, q.res, q.requested, q.names, mfaDone)
	s.mu.Unlock()
	if aerr != nil {
		return nil, aerr
	}
	return s.issue(issuance{
		tenant: tenant.ID, user: &user, app: req.app, res: q.res, scopes: scopes, q: q,
		mfa: mfaDone, clientInfo: form.Get("client_info") == "1",
	})
}

// verifyAssertion checks an OBO assertion: our signature (RS256), time range,
// issuer, audience (the calling app) and the access_as_user scope.
func (s *Server) verifyAssertion(app *App, assertion string) (jwt.MapClaims, *aadErr) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(assertion, claims, s.Keyfunc,
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.now), jwt.WithExpirationRequired())
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenMalformed):
		return nil, errInvalidRequest(50027, "JWT token is invalid or malformed.")
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
		exp, _ := claims.GetExpirationTime()
		expStr := "unknown"
		if exp != nil {
			expStr = entraTime(exp.Time)
		}
		return nil, errInvalidGrant(500133, "Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: %s, expiry time of assertion %s.", entraTime(s.now()), expStr)
	default:
		return nil, errInvalidGrant(50013, "Assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '%s']", headerKid(assertion))
	}
	tid, _ := claims["tid"].(string)
	iss, _ := claims["iss"].(string)
	if tid == "" || !validIssuer(iss, tid, s) {
		return nil, errInvalidGrant(50013, "Assertion failed signature validation. [Reason - The issuer '%s' is not valid for tenant '%s'.]", iss, tid)
	}
	auds, _ := claims.GetAudience()
	if !slices.ContainsFunc(auds, app.isAudience) {
		return nil, errInvalidGrant(50013, "Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '%s' and the expected audience is '%s' or one of the Application Id URIs of this application.", strings.Join(auds, ","), app.ClientID)
	}
	scp, _ := claims["scp"].(string)
	if !slices.Contains(strings.Fields(scp), AccessAsUser) {
		return nil, errInvalidGrant(50013, "Assertion is not a delegated token for the application '%s': its scp claim '%s' does not contain '%s'.", app.ClientID, scp, AccessAsUser)
	}
	if oid, _ := claims["oid"].(string); oid == "" {
		return nil, errInvalidGrant(50013, "Assertion does not identify a user (no oid claim).")
	}
	return claims, nil
}

func validIssuer(iss, tid string, s *Server) bool {
	for _, want := range []string{
		s.V1Issuer(tid),
		s.cloud.EntraV2Issuer + tid + "/v2.0",
		s.Issuer(tid),
	} {
		if strings.EqualFold(iss, want) {
			return true
		}
	}
	return false
}

func headerKid(token string) string {
	t, _, err := jwt.NewParser().ParseUnverified(token, jwt.MapClaims{})
	if err != nil {
		return ""
	}
	kid, _ := t.Header["kid"].(string)
	return kid
}

// entraTime formats a time as AADSTS messages do.
func entraTime(t time.Time) string { return t.UTC().Format("01/02/2006 15:04:05") }

func errUserNotInTenant(oid, homeTenant string, t *Tenant, app *App) *aadErr {
	return errInvalidGrant(50020, "User account '%s' from identity provider 'https://sts.windows.net/%s/' does not exist in tenant '%s' and cannot access the application '%s'(%s) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.", oid, homeTenant, t.Name, app.ClientID, app.Name)
}
