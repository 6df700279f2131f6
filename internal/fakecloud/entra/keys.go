package entra

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signingKey is one RSA key the fake signs with or still serves.
type signingKey struct {
	kid  string
	key  *rsa.PrivateKey
	cert []byte // self-signed DER, for x5t and x5c
}

// keySet holds the current signing key and older keys still served.
type keySet struct {
	mu   sync.RWMutex
	keys []*signingKey // last = current
}

func newSigningKey(now time.Time) (*signingKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("entra: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, fmt.Errorf("entra: serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "accounts.accesscontrol.windows.net"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(5 * 365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("entra: key certificate: %w", err)
	}
	sum := sha1.Sum(der)
	// Microsoft's kid is the certificate thumbprint, like x5t.
	return &signingKey{kid: base64.RawURLEncoding.EncodeToString(sum[:]), key: key, cert: der}, nil
}

func (ks *keySet) current() *signingKey {
	ks.mu.RLock()
	defer ks.mu.RUnlock()
	return ks.keys[len(ks.keys)-1]
}

// RotateKeys creates a new signing key. Tokens are signed with it from now on;
// the previous keys stay in the JWKS (and in Keyfunc) until RetireOldKeys.
func (s *Server) RotateKeys() error {
	k, err := newSigningKey(s.now())
	if err != nil {
		return err
	}
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	s.keys.keys = append(s.keys.keys, k)
	return nil
}

// RetireOldKeys drops every key but the current signing key.
func (s *Server) RetireOldKeys() {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	s.keys.keys = s.keys.keys[len(s.keys.keys)-1:]
}

// KeyIDs returns the kids of the served keys, the current signing key last.
func (s *Server) KeyIDs() []string {
	s.keys.mu.RLock()
	defer s.keys.mu.RUnlock()
	out := make([]string, 0, len(s.keys.keys))
	for _, k := range s.keys.keys {
		out = append(out, k.kid)
	}
	return out
}

// Sign signs claims with the current key (RS256, header kid and x5t set).
// Tests use it to forge token variations.
func (s *Server) Sign(claims jwt.MapClaims) (string, error) {
	k := s.keys.current()
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = k.kid
	t.Header["x5t"] = k.kid
	out, err := t.SignedString(k.key)
	if err != nil {
		return "", fmt.Errorf("entra: sign: %w", err)
	}
	return out, nil
}

// Keyfunc resolves a token's kid to one of the keys still served, for
// jwt.Parse. It accepts RS256 only.
func (s *Server) Keyfunc(t *jwt.Token) (any, error) {
	if t.Method.Alg() != jwt.SigningMethodRS256.Alg() {
		return nil, fmt.Errorf("entra: unexpected signing method %q", t.Method.Alg())
	}
	kid, _ := t.Header["kid"].(string)
	if kid == "" {
		return nil, errors.New("entra: token has no kid")
	}
	s.keys.mu.RLock()
	defer s.keys.mu.RUnlock()
	for _, k := range s.keys.keys {
		if k.kid == kid {
			return &k.key.PublicKey, nil
		}
	}
	return nil, fmt.Errorf("entra: unknown kid %q", kid)
}

// jwk is one key of the JWKS, in Microsoft's shape (no alg).
type jwk struct {
	Kty    string   `json:"kty"`
	Use    string   `json:"use"`
	Kid    string   `json:"kid"`
	X5t    string   `json:"x5t"`
	N      string   `json:"n"`
	E      string   `json:"e"`
	X5c    []string `json:"x5c"`
	Issuer string   `json:"issuer,omitempty"`
}

// handleKeys serves /{tenant}/discovery/v2.0/keys and /common/discovery/v2.0/keys.
func (s *Server) handleKeys(w http.ResponseWriter, r *http.Request) {
	tenant := r.PathValue("tenant")
	issuer := "https://login.microsoftonline.com/{tenantid}/v2.0"
	if !isMetaTenant(tenant) {
		s.mu.Lock()
		t, ok := s.resolveTenant(tenant)
		s.mu.Unlock()
		if !ok {
			s.writeErr(w, r, errTenantNotFound(tenant))
			return
		}
		issuer = "https://login.microsoftonline.com/" + t.ID + "/v2.0"
	}
	s.keys.mu.RLock()
	keys := make([]jwk, 0, len(s.keys.keys))
	for i := len(s.keys.keys) - 1; i >= 0; i-- {
		k := s.keys.keys[i]
		keys = append(keys, jwk{
			Kty: "RSA", Use: "sig", Kid: k.kid, X5t: k.kid,
			N:      base64.RawURLEncoding.EncodeToString(k.key.N.Bytes()),
			E:      base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.key.E)).Bytes()),
			X5c:    []string{base64.StdEncoding.EncodeToString(k.cert)},
			Issuer: issuer,
		})
	}
	s.keys.mu.RUnlock()
	writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}
