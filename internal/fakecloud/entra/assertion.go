package entra

import (
	"crypto/rsa"
	"crypto/x509"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ClientAssertionType is the client_assertion_type of a certificate credential.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// MaxAssertionLifetime is the longest exp − nbf the fake accepts in a client
// assertion. Entra documents "keep it short - 5-10 minutes after nbf at most"
// and says it places no restriction on exp currently
// (learn.microsoft.com/entra/identity-platform/certificate-credentials): the
// fake holds the documented maximum, the stricter reading. MSAL sends exactly
// 10 minutes.
const MaxAssertionLifetime = 10 * time.Minute

// certCredentialsDoc is the page Entra's client-assertion errors point at.
const certCredentialsDoc = "Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials ."

// assertionLog holds the jti of every accepted client assertion until it
// expires, and counts them (mu held).
type assertionLog struct {
	seen     map[string]time.Time // client id | jti → exp
	accepted int
}

// AssertionCount returns how many token requests authenticated with a
// certificate's client assertion (whatever the grant then answered).
func (s *Server) AssertionCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.assertions.accepted
}

// authenticateAssertion authenticates app with the request's client
// assertion, a JWT signed by one of the app's registered certificates, as
// Entra checks it (learn.microsoft.com/entra/identity-platform/certificate-credentials).
// pathTenant is the token endpoint's tenant segment.
func (s *Server) authenticateAssertion(r *http.Request, app *App, pathTenant, secret string) (*App, *aadErr) {
	// Two client authentication methods in one request: RFC 6749 §2.3 forbids
	// it; Entra's answer is unverified, so the fake refuses it.
	if secret != "" {
		return nil, errInvalidRequest(9002313, "Invalid request. Request is malformed or invalid. (Both client_secret and client_assertion were sent.)")
	}
	// The fixed client_assertion_type (certificate-credentials, "Using a client assertion").
	switch r.PostForm.Get("client_assertion_type") {
	case ClientAssertionType:
	case "":
		return nil, errMissingParam("client_assertion_type")
	default:
		return nil, errInvalidRequest(9002313, "Invalid request. Request is malformed or invalid. (client_assertion_type must be '%s'.)", ClientAssertionType)
	}
	raw := r.PostForm.Get("client_assertion")
	if raw == "" {
		return nil, errMissingParam("client_assertion")
	}
	unverified, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{})
	if err != nil {
		return nil, errBadAssertion("JWT token is invalid or malformed.")
	}
	// alg: PS256 on the current page, RS256 on its earlier revision
	// (learn.microsoft.com/previous-versions/azure/active-directory/develop/certificate-credentials);
	// anything else (none, HMAC, EC) is refused (unverified: the stricter reading).
	alg := unverified.Method.Alg()
	if alg != jwt.SigningMethodPS256.Alg() && alg != jwt.SigningMethodRS256.Alg() {
		return nil, errInvalidKey("Client assertion failed signature validation. [Reason - The algorithm '%s' is not supported; use PS256 (or RS256).]", alg)
	}
	tp, ok := headerThumbprint(unverified.Header)
	if !ok {
		return nil, errInvalidKey("Client assertion failed signature validation. [Reason - The header carries no x5t#S256 (or x5t) certificate thumbprint.]")
	}
	s.mu.Lock()
	certs := slices.Clone(app.Certificates)
	s.mu.Unlock()
	i := slices.IndexFunc(certs, tp.matches)
	if i < 0 {
		// AADSTS700027 InvalidKeyError: Microsoft.Identity.Web
		// tests/Microsoft.Identity.Web.Test/CertificateReloadLogicTests.cs; reference-error-codes.
		return nil, errInvalidKey("The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%s', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '%s'.]", tp, app.ClientID)
	}
	cert := certs[i]
	now := s.now()
	// A registered key outside its validity window (unverified code: the
	// message is the one quoted for an expired key; Microsoft.Identity.Web also
	// knows AADSTS1000502 CertificateIsOutsideValidityWindow).
	if now.Before(cert.NotBefore) || !now.Before(cert.NotAfter) {
		reason := "The key used is expired."
		if now.Before(cert.NotBefore) {
			reason = "The key used is not yet valid."
		}
		return nil, errInvalidKey("Client assertion contains an invalid signature. [Reason - %s, Thumbprint of key used by client: '%s', Found key 'Start=%s, End=%s']",
			reason, tp, cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339))
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.NewParser(jwt.WithValidMethods([]string{alg}), jwt.WithoutClaimsValidation()).
		ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return certPublicKey(cert) }); err != nil {
		// AADSTS7000274 ClientAssertionContainsInvalidSignature (Microsoft.Identity.Web, as above; text unverified).
		return nil, newErr(http.StatusUnauthorized, "invalid_client", 7000274, "Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '%s']", tp)
	}
	return s.checkAssertionClaims(app, claims, pathTenant, now)
}

// checkAssertionClaims checks a verified assertion's claims and records its jti.
func (s *Server) checkAssertionClaims(app *App, claims jwt.MapClaims, pathTenant string, now time.Time) (*App, *aadErr) {
	// iss = sub = the client id (certificate-credentials, "Claims"). AADSTS700021's
	// text: AzureAD/microsoft-authentication-library-for-dotnet test mocks (IdentifierMismatchError700021).
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	if !strings.EqualFold(iss, app.ClientID) || !strings.EqualFold(sub, app.ClientID) {
		return nil, newErr(http.StatusUnauthorized, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter. %s", certCredentialsDoc)
	}
	// aud = the tenant's v2.0 token endpoint (certificate-credentials); AADSTS700023's
	// text: AzureAD/microsoft-authentication-library-for-dotnet issue #2746.
	aud, err := claims.GetAudience()
	if err != nil || len(aud) != 1 || !s.isTokenEndpoint(aud[0], pathTenant) {
		return nil, newErr(http.StatusUnauthorized, "invalid_client", 700023, "Client assertion audience claim does not match Realm issuer. %s", certCredentialsDoc)
	}
	exp, errExp := claims.GetExpirationTime()
	nbf, errNbf := claims.GetNotBefore()
	jti, _ := claims["jti"].(string)
	// exp, nbf and jti are all in the documented assertion; one missing is
	// refused (unverified: the stricter reading).
	if errExp != nil || errNbf != nil || exp == nil || nbf == nil || jti == "" {
		return nil, errBadAssertion("JWT token is invalid or malformed. (The client assertion needs exp, nbf and jti.)")
	}
	// nbf ≤ now < exp, no clock skew allowed (unverified: the stricter
	// reading); AADSTS700024's text: Azure CLI federated-token reports and
	// Microsoft.Identity.Web (SignedAssertionInvalidTimeRange).
	if now.Before(nbf.Time) || !now.Before(exp.Time) || exp.Sub(nbf.Time) > MaxAssertionLifetime {
		ts := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }
		return nil, newErr(http.StatusUnauthorized, "invalid_client", 700024, "Client assertion is not within its valid time range. Current time: %s, assertion valid from %s, expiry time of assertion %s. %s",
			ts(now), ts(nbf.Time), ts(exp.Time), certCredentialsDoc)
	}
	// A jti is single use until its assertion expires (RFC 7523 §3 allows
	// replay protection; Entra's answer to a replay is unverified: the fake
	// refuses with AADSTS50013, the reference's InvalidAssertion).
	key := strings.ToLower(app.ClientID) + "|" + jti
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.assertions.seen == nil {
		s.assertions.seen = map[string]time.Time{}
	}
	for k, until := range s.assertions.seen {
		if !now.Before(until) {
			delete(s.assertions.seen, k)
		}
	}
	if _, used := s.assertions.seen[key]; used {
		return nil, newErr(http.StatusUnauthorized, "invalid_client", 50013, "Assertion is invalid: the client assertion with jti '%s' was already used. Sign a new client assertion for every request.", jti)
	}
	s.assertions.seen[key] = exp.Time
	s.assertions.accepted++
	return app, nil
}

// isTokenEndpoint reports whether aud is this fake's v2.0 token endpoint of
// the request's tenant: the tenant named by id or by a verified domain (the
// documented example uses contoso.onmicrosoft.com), host case-insensitive,
// path exact, no query. The v1 endpoint or the issuer are refused
// (unverified: the stricter reading).
func (s *Server) isTokenEndpoint(aud, pathTenant string) bool {
	u, err := url.Parse(aud)
	if err != nil || u.RawQuery != "" || u.Fragment != "" || u.User != nil || !strings.EqualFold(u.Scheme+"://"+u.Host, s.url) {
		return false
	}
	seg, rest, ok := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if !ok || rest != "oauth2/v2.0/token" || seg == "" {
		return false
	}
	if strings.EqualFold(seg, pathTenant) {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, okA := s.resolveTenant(seg)
	b, okB := s.resolveTenant(pathTenant)
	return okA && okB && a == b
}

// headerThumbprint reads x5t#S256, or else the legacy x5t.
func headerThumbprint(h map[string]any) (thumbprint, bool) {
	if v, ok := h["x5t#S256"].(string); ok {
		return decodeThumbprint(v, true)
	}
	if v, ok := h["x5t"].(string); ok {
		return decodeThumbprint(v, false)
	}
	return thumbprint{}, false
}

// certPublicKey is the certificate's RSA key: Entra's certificate credentials
// are RSA (PS256/RS256).
func certPublicKey(cert *x509.Certificate) (any, error) {
	k, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, jwt.ErrInvalidKeyType
	}
	return k, nil
}

// errInvalidKey is AADSTS700027 (invalid_client, 401).
func errInvalidKey(format string, args ...any) *aadErr {
	return newErr(http.StatusUnauthorized, "invalid_client", 700027, format, args...)
}

// errBadAssertion is AADSTS50027 InvalidJwtToken, answered as invalid_client
// because it is the client's credential that is malformed (status unverified).
func errBadAssertion(msg string) *aadErr {
	return newErr(http.StatusUnauthorized, "invalid_client", 50027, "%s", msg)
}
