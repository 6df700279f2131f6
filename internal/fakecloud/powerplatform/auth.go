package powerplatform

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Delegated scopes the Flow RP checks.
const (
	ScopeFlowsRead       = "Flows.Read.All"
	ScopeFlowsManage     = "Flows.Manage.All"
	ScopeApprovalsRead   = "Approvals.Read.All"
	ScopeApprovalsManage = "Approvals.Manage.All"
	// ScopeUser is the Power Apps / BAP delegated scope.
	ScopeUser = "User"
)

// principal is the caller named by a verified token. It never holds the token.
type principal struct {
	TenantID string
	OID      string
	Name     string
	Audience string
	AppID    string
	Scopes   []string
}

func (p *principal) has(scope string) bool { return slices.Contains(p.Scopes, scope) }

// allowedAudience reports whether aud is one of allowed, compared exactly:
// Power Automate and Power Apps answer "It should exactly match (including
// forward slash) with one of the allowed audiences" (microsoft/Power-Fx
// issue #2986; microsoft/coe-starter-kit issue #5897).
func allowedAudience(aud string, allowed []string) bool { return slices.Contains(allowed, aud) }

// quoteList formats audiences as the services' error lists them: 'a','b'.
func quoteList(auds []string) string {
	q := make([]string, len(auds))
	for i, a := range auds {
		q[i] = "'" + a + "'"
	}
	return strings.Join(q, ",")
}

// authenticate verifies the bearer token of r for an API that accepts the
// allowed audiences (exactly, slash included).
func (s *Server) authenticate(r *http.Request, allowed []string) (*principal, *apiError) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, &apiError{status: http.StatusUnauthorized, code: "AuthenticationFailed",
			message: "Authentication failed. The 'Authorization' header is missing.",
			header:  http.Header{"WWW-Authenticate": {`Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"`}}}
	}
	scheme, raw, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(raw) == "" {
		return nil, &apiError{status: http.StatusUnauthorized, code: "AuthenticationFailed",
			message: "Authentication failed. The 'Authorization' header is provided in an invalid format.",
			header:  http.Header{"WWW-Authenticate": {`Bearer error="invalid_token"`}}}
	}
	invalid := &apiError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken",
		message: "The access token is invalid.", header: http.Header{"WWW-Authenticate": {`Bearer error="invalid_token"`}}}
	claims := jwt.MapClaims{}
	var err error
	if s.opts.Keyfunc == nil {
		_, _, err = jwt.NewParser().ParseUnverified(strings.TrimSpace(raw), claims)
	} else {
		p := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
		_, err = p.ParseWithClaims(strings.TrimSpace(raw), claims, s.opts.Keyfunc)
	}
	if err != nil {
		return nil, invalid
	}
	auds, _ := claims.GetAudience()
	tokAud := strings.Join(auds, ",")
	if len(auds) != 1 || !allowedAudience(auds[0], allowed) {
		// The 401 envelope and text of microsoft/Power-Fx issue #2986 (Power Apps) and
		// microsoft/coe-starter-kit issue #5897 (Flow; its code there is unverified).
		return nil, &apiError{status: http.StatusUnauthorized, code: "InvalidAuthenticationAudience",
			message: fmt.Sprintf("The received access token has been obtained from wrong audience or resource '%s'. It should exactly match (including forward slash) with one of the allowed audiences %s.", tokAud, quoteList(allowed))}
	}
	now := s.now().UTC()
	exp, _ := claims.GetExpirationTime()
	if exp == nil {
		return nil, invalid
	}
	if !now.Before(exp.Time) {
		return nil, &apiError{status: http.StatusUnauthorized, code: "ExpiredAuthenticationToken",
			message: fmt.Sprintf("The access token expiry UTC time '%s' is earlier than current UTC time '%s'.", dotnetTime(exp.Time), dotnetTime(now)),
			header:  http.Header{"WWW-Authenticate": {`Bearer error="invalid_token", error_description="The access token has expired"`}}}
	}
	if nbf, _ := claims.GetNotBefore(); nbf != nil && now.Add(5*time.Minute).Before(nbf.Time) {
		return nil, invalid
	}
	tid, _ := claims["tid"].(string)
	oid, _ := claims["oid"].(string)
	iss, _ := claims.GetIssuer()
	// The token's issuer is its tenant's in the cloud played (v1 or v2 form:
	// learn.microsoft.com/entra/identity-platform/access-token-claims-reference).
	if tid == "" || (iss != s.accepted.v1Issuer+tid+"/" && iss != s.accepted.v2Issuer+tid+"/v2.0") {
		return nil, &apiError{status: http.StatusUnauthorized, code: "InvalidAuthenticationTokenTenant",
			message: fmt.Sprintf("The access token is from the wrong issuer '%s'. It must match the tenant of the token.", iss)}
	}
	scp, _ := claims["scp"].(string)
	if strings.TrimSpace(scp) == "" {
		return nil, &apiError{status: http.StatusUnauthorized, code: "Unauthorized",
			message: "The x-ms-client-scope header must not be null or empty."}
	}
	if oid == "" {
		return nil, invalid
	}
	if aerr := s.checkRevoked(claims); aerr != nil {
		return nil, aerr
	}
	p := &principal{TenantID: tid, OID: oid, Audience: tokAud, Scopes: strings.Fields(scp)}
	p.Name, _ = claims["name"].(string)
	p.AppID, _ = claims["appid"].(string)
	if p.AppID == "" {
		p.AppID, _ = claims["azp"].(string)
	}
	return p, nil
}

// requireScope answers 403 unless p carries one of scopes. The body is
// unverified (no public capture of Power Automate refusing a delegated token
// for a missing scope): the ARM-style envelope naming the scope.
func requireScope(p *principal, scopes ...string) *apiError {
	if slices.ContainsFunc(scopes, p.has) {
		return nil
	}
	return &apiError{status: http.StatusForbidden, code: "Forbidden",
		message: fmt.Sprintf("The caller does not have the required scope '%s'.", scopes[0])}
}

// dotnetTime formats t as .NET's en-US general date/time ("4/24/2019 7:44:20 AM").
func dotnetTime(t time.Time) string { return t.UTC().Format("1/2/2006 3:04:05 PM") }
