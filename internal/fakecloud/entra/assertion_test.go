package entra

import (
	"crypto/sha1" //nolint:gosec // the legacy x5t is SHA-1
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
)

// certFixture is the demo app with a registered certificate and its secret removed.
type certFixture struct {
	*fixture
	cert *fakeca.ClientCert
}

func newCertFixture(t *testing.T) *certFixture {
	t.Helper()
	f := newFixture(t)
	now := f.clock.Now()
	cert, err := fakeca.NewClientCert("FlowDeck", now.Add(-time.Hour), now.Add(365*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.AddCertificate(demo.ClientID, cert.Cert); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.RemoveSecret(demo.ClientID, demo.ClientSecret); err != nil {
		t.Fatal(err)
	}
	return &certFixture{fixture: f, cert: cert}
}

// assertionSpec shapes one client assertion; the zero value is what MSAL
// signs for Entra (PS256, x5t#S256, aud = the token endpoint, 10 minutes).
type assertionSpec struct {
	alg    jwt.SigningMethod
	header map[string]any // replaces the thumbprint header when set
	claims jwt.MapClaims  // merged over the defaults; a nil value deletes the claim
	signer *fakeca.ClientCert
}

func (f *certFixture) assertion(t *testing.T, s assertionSpec) string {
	t.Helper()
	now := f.clock.Now()
	claims := jwt.MapClaims{
		"aud": f.srv.TokenURL(demo.TenantID), "iss": demo.ClientID, "sub": demo.ClientID,
		"jti": uuid.NewString(), "nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
	for k, v := range s.claims {
		if v == nil {
			delete(claims, k)
			continue
		}
		claims[k] = v
	}
	alg := s.alg
	if alg == nil {
		alg = jwt.SigningMethodPS256
	}
	tok := jwt.NewWithClaims(alg, claims)
	if s.header != nil {
		delete(tok.Header, "x5t#S256")
		maps.Copy(tok.Header, s.header)
	} else {
		sum := sha256.Sum256(f.cert.Cert.Raw)
		tok.Header["x5t#S256"] = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	signer := s.signer
	if signer == nil {
		signer = f.cert
	}
	var key any = signer.Key
	if alg == jwt.SigningMethodHS256 {
		key = []byte("a shared secret is no certificate")
	}
	raw, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// clientCredentials posts a client-credentials request authenticated by assertion.
func (f *certFixture) clientCredentials(t *testing.T, assertion string, extra url.Values) (int, map[string]any) {
	t.Helper()
	form := url.Values{
		"grant_type": {GrantClientCredentials}, "client_id": {demo.ClientID}, "scope": {BotFrameworkResource + "/.default"},
		"client_assertion_type": {ClientAssertionType}, "client_assertion": {assertion},
	}
	maps.Copy(form, extra)
	return f.post(t, demo.TenantID, form)
}

// TestCertificateCredentialWithMSAL: MSAL for Go's certificate credential
// (PS256, x5t#S256 in standard base64, aud from the discovery document)
// authenticates the app, and the app's removed secret no longer does.
func TestCertificateCredentialWithMSAL(t *testing.T) {
	t.Parallel()
	f := newCertFixture(t)
	// MSAL stamps nbf with the machine clock; put the fake's clock a little after it.
	f.clock.Advance(time.Minute)
	cred, err := confidential.NewCredFromCert([]*x509.Certificate{f.cert.Cert}, f.cert.Key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := confidential.New(f.srv.Authority(demo.TenantID), demo.ClientID, cred,
		confidential.WithHTTPClient(f.srv.Client()), confidential.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.AcquireTokenByCredential(ctx(t), []string{BotFrameworkResource + "/.default"})
	if err != nil {
		t.Fatalf("AcquireTokenByCredential with a certificate: %v", err)
	}
	if claims := f.parseClaims(t, res.AccessToken); claims["appid"] != demo.ClientID || claims["appidacr"] != "1" {
		t.Errorf("app-only token: appid %v appidacr %v", claims["appid"], claims["appidacr"])
	}
	if n := f.srv.AssertionCount(); n != 1 {
		t.Errorf("AssertionCount = %d, want 1", n)
	}
	status, body := f.post(t, demo.TenantID, url.Values{
		"grant_type": {GrantClientCredentials}, "client_id": {demo.ClientID}, "client_secret": {demo.ClientSecret},
		"scope": {BotFrameworkResource + "/.default"},
	})
	checkEntraError(t, status, body, http.StatusUnauthorized, "invalid_client", 7000215)
}

// TestClientAssertionAccepted: the forms Entra documents, current and earlier.
func TestClientAssertionAccepted(t *testing.T) {
	t.Parallel()
	f := newCertFixture(t)
	sha1Sum := sha1.Sum(f.cert.Cert.Raw) //nolint:gosec // x5t
	sha256Sum := sha256.Sum256(f.cert.Cert.Raw)
	for name, spec := range map[string]assertionSpec{
		"PS256 with x5t#S256 (base64url)":         {},
		"PS256 with x5t#S256 (standard base64)":   {header: map[string]any{"x5t#S256": base64.StdEncoding.EncodeToString(sha256Sum[:])}},
		"RS256 with the legacy SHA-1 x5t":         {alg: jwt.SigningMethodRS256, header: map[string]any{"x5t": base64.RawURLEncoding.EncodeToString(sha1Sum[:])}},
		"aud naming the tenant by its domain":     {claims: jwt.MapClaims{"aud": f.srv.TokenURL(demo.TenantDomain)}},
		"aud as a one-element array":              {claims: jwt.MapClaims{"aud": []string{f.srv.TokenURL(demo.TenantID)}}},
		"iss and sub in upper case":               {claims: jwt.MapClaims{"iss": strings.ToUpper(demo.ClientID), "sub": strings.ToUpper(demo.ClientID)}},
		"exactly the documented longest lifetime": {claims: jwt.MapClaims{"exp": f.clock.Now().Add(MaxAssertionLifetime).Unix()}},
	} {
		status, body := f.clientCredentials(t, f.assertion(t, spec), nil)
		if status != http.StatusOK || body["access_token"] == nil {
			t.Errorf("%s: %d %v %v", name, status, body["error"], body["error_codes"])
		}
	}
}

// TestClientAssertionRefused: every check, with Entra's error.
func TestClientAssertionRefused(t *testing.T) {
	t.Parallel()
	f := newCertFixture(t)
	now := f.clock.Now()
	stranger, err := fakeca.NewClientCert("not registered", now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	strangerSum := sha256.Sum256(stranger.Cert.Raw)
	tok := f.srv.TokenURL(demo.TenantID)
	for _, tc := range []struct {
		name   string
		spec   assertionSpec
		status int
		code   int
	}{
		{"unregistered certificate", assertionSpec{signer: stranger, header: map[string]any{"x5t#S256": base64.RawURLEncoding.EncodeToString(strangerSum[:])}}, 401, 700027},
		{"signed by another key", assertionSpec{signer: stranger}, 401, 7000274},
		{"no thumbprint", assertionSpec{header: map[string]any{"kid": "abc"}}, 401, 700027},
		{"thumbprint of the wrong length", assertionSpec{header: map[string]any{"x5t#S256": "AAAA"}}, 401, 700027},
		{"HS256", assertionSpec{alg: jwt.SigningMethodHS256}, 401, 700027},
		{"iss is another app", assertionSpec{claims: jwt.MapClaims{"iss": "11111111-2222-4333-8444-555555555555"}}, 401, 700021},
		{"sub is missing", assertionSpec{claims: jwt.MapClaims{"sub": nil}}, 401, 700021},
		{"aud is the v1 token endpoint", assertionSpec{claims: jwt.MapClaims{"aud": f.srv.URL() + "/" + demo.TenantID + "/oauth2/token"}}, 401, 700023},
		{"aud is the issuer", assertionSpec{claims: jwt.MapClaims{"aud": f.srv.Issuer(demo.TenantID)}}, 401, 700023},
		{"aud is another tenant's endpoint", assertionSpec{claims: jwt.MapClaims{"aud": f.srv.TokenURL(demo.OtherTenantID)}}, 401, 700023},
		{"aud is common", assertionSpec{claims: jwt.MapClaims{"aud": f.srv.TokenURL("common")}}, 401, 700023},
		{"aud is Microsoft's host, not this one", assertionSpec{claims: jwt.MapClaims{"aud": "https://login.microsoftonline.com/" + demo.TenantID + "/oauth2/v2.0/token"}}, 401, 700023},
		{"aud has two values", assertionSpec{claims: jwt.MapClaims{"aud": []string{tok, tok}}}, 401, 700023},
		{"aud with a query", assertionSpec{claims: jwt.MapClaims{"aud": tok + "?x=1"}}, 401, 700023},
		{"expired", assertionSpec{claims: jwt.MapClaims{"nbf": now.Add(-20 * time.Minute).Unix(), "exp": now.Add(-10 * time.Minute).Unix()}}, 401, 700024},
		{"expiring now", assertionSpec{claims: jwt.MapClaims{"nbf": now.Add(-5 * time.Minute).Unix(), "exp": now.Unix()}}, 401, 700024},
		{"not yet valid", assertionSpec{claims: jwt.MapClaims{"nbf": now.Add(time.Minute).Unix(), "exp": now.Add(5 * time.Minute).Unix()}}, 401, 700024},
		{"lives longer than ten minutes", assertionSpec{claims: jwt.MapClaims{"exp": now.Add(MaxAssertionLifetime + time.Second).Unix()}}, 401, 700024},
		{"no exp", assertionSpec{claims: jwt.MapClaims{"exp": nil}}, 401, 50027},
		{"no nbf", assertionSpec{claims: jwt.MapClaims{"nbf": nil}}, 401, 50027},
		{"no jti", assertionSpec{claims: jwt.MapClaims{"jti": nil}}, 401, 50027},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.clientCredentials(t, f.assertion(t, tc.spec), nil)
			checkEntraError(t, status, body, tc.status, "invalid_client", tc.code)
		})
	}
	t.Run("malformed", func(t *testing.T) {
		status, body := f.clientCredentials(t, "not.a.jwt", nil)
		checkEntraError(t, status, body, 401, "invalid_client", 50027)
	})
	t.Run("no client_assertion_type", func(t *testing.T) {
		status, body := f.clientCredentials(t, f.assertion(t, assertionSpec{}), url.Values{"client_assertion_type": nil})
		checkEntraError(t, status, body, 400, "invalid_request", 900144)
	})
	t.Run("another client_assertion_type", func(t *testing.T) {
		status, body := f.clientCredentials(t, f.assertion(t, assertionSpec{}), url.Values{"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:saml2-bearer"}})
		checkEntraError(t, status, body, 400, "invalid_request", 9002313)
	})
	t.Run("a secret beside the assertion", func(t *testing.T) {
		status, body := f.clientCredentials(t, f.assertion(t, assertionSpec{}), url.Values{"client_secret": {"anything"}})
		checkEntraError(t, status, body, 400, "invalid_request", 9002313)
	})
	if n := f.srv.AssertionCount(); n != 0 {
		t.Errorf("AssertionCount = %d after refusals only, want 0", n)
	}
}

// TestClientAssertionSingleUse: a jti is accepted once; a fresh one works.
func TestClientAssertionSingleUse(t *testing.T) {
	t.Parallel()
	f := newCertFixture(t)
	a := f.assertion(t, assertionSpec{})
	if status, body := f.clientCredentials(t, a, nil); status != http.StatusOK {
		t.Fatalf("first use: %d %v", status, body["error_codes"])
	}
	status, body := f.clientCredentials(t, a, nil)
	checkEntraError(t, status, body, http.StatusUnauthorized, "invalid_client", 50013)
	if status, body := f.clientCredentials(t, f.assertion(t, assertionSpec{}), nil); status != http.StatusOK {
		t.Errorf("a fresh assertion: %d %v", status, body["error_codes"])
	}
}

// TestClientCertificateLifecycle: an expired or removed certificate stops
// authenticating; a second certificate (rotation) works beside the first.
func TestClientCertificateLifecycle(t *testing.T) {
	t.Parallel()
	f := newCertFixture(t)
	now := f.clock.Now()
	next, err := fakeca.NewClientCert("FlowDeck next", now.Add(-time.Hour), now.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.srv.AddCertificate(demo.ClientID, next.Cert); err != nil {
		t.Fatal(err)
	}
	nextSum := sha256.Sum256(next.Cert.Raw)
	withNext := func() string {
		return f.assertion(t, assertionSpec{signer: next, header: map[string]any{"x5t#S256": base64.RawURLEncoding.EncodeToString(nextSum[:])}})
	}
	for _, a := range []string{f.assertion(t, assertionSpec{}), withNext()} {
		if status, body := f.clientCredentials(t, a, nil); status != http.StatusOK {
			t.Fatalf("during rotation: %d %v", status, body["error_codes"])
		}
	}
	if err := f.srv.RemoveCertificate(demo.ClientID, f.cert.Cert); err != nil {
		t.Fatal(err)
	}
	status, body := f.clientCredentials(t, f.assertion(t, assertionSpec{}), nil)
	checkEntraError(t, status, body, http.StatusUnauthorized, "invalid_client", 700027)
	f.clock.Advance(3 * time.Hour) // past the second certificate's NotAfter
	status, body = f.clientCredentials(t, withNext(), nil)
	checkEntraError(t, status, body, http.StatusUnauthorized, "invalid_client", 700027)
	if desc, _ := body["error_description"].(string); !strings.Contains(desc, "The key used is expired") {
		t.Errorf("expired key: %q", desc)
	}
}
