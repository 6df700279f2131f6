package identity

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// ClientCredential is how FlowDeck proves to Entra ID that it is its app: a
// client secret, or a certificate whose RSA key signs a client assertion.
// The zero value is no credential. It never prints its secret: %v, %#v and
// slog show only its kind.
type ClientCredential struct {
	secret string
	certs  []*x509.Certificate
	key    *rsa.PrivateKey
}

// NewSecretCredential returns a client-secret credential.
func NewSecretCredential(secret string) (ClientCredential, error) {
	if strings.TrimSpace(secret) == "" {
		return ClientCredential{}, errors.New("identity: the client secret is empty")
	}
	return ClientCredential{secret: secret}, nil
}

// NewCertificateCredential returns a certificate credential from PEM data
// holding the certificate (chain) and its unencrypted RSA private key, in one
// file or concatenated. The certificate whose public key is the private
// key's signs, wherever the chain lists it.
func NewCertificateCredential(pemData []byte) (ClientCredential, error) {
	certs, key, err := confidential.CertFromPEM(pemData, "")
	if err != nil {
		return ClientCredential{}, fmt.Errorf("identity: client certificate: %w", err)
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok || len(certs) == 0 {
		return ClientCredential{}, errors.New("identity: client certificate: want a certificate and an RSA private key")
	}
	i := slices.IndexFunc(certs, func(c *x509.Certificate) bool {
		pk, ok := c.PublicKey.(*rsa.PublicKey)
		return ok && pk.Equal(&rk.PublicKey)
	})
	if i < 0 {
		return ClientCredential{}, errors.New("identity: client certificate: no certificate in the file belongs to its private key")
	}
	// The signing certificate first: its thumbprint goes into the assertion.
	certs = append([]*x509.Certificate{certs[i]}, slices.Delete(slices.Clone(certs), i, i+1)...)
	return ClientCredential{certs: certs, key: rk}, nil
}

// Certificate returns the signing certificate of a certificate credential,
// nil for a secret or none.
func (c ClientCredential) Certificate() *x509.Certificate {
	if c.key == nil {
		return nil
	}
	return c.certs[0]
}

// IsZero reports whether c holds no credential.
func (c ClientCredential) IsZero() bool { return c.secret == "" && c.key == nil }

// String names the kind of credential, never the secret itself.
func (c ClientCredential) String() string {
	switch {
	case c.secret != "":
		return "client secret"
	case c.key != nil:
		return "certificate " + c.thumbprint()
	}
	return "no credential"
}

// GoString is String, so that %#v cannot print the secret either.
func (c ClientCredential) GoString() string { return c.String() }

// LogValue is String, for slog.
func (c ClientCredential) LogValue() slog.Value { return slog.StringValue(c.String()) }

func (c ClientCredential) thumbprint() string {
	sum := sha256.Sum256(c.certs[0].Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// msal returns the credential in MSAL for Go's form.
func (c ClientCredential) msal() (confidential.Credential, error) {
	switch {
	case c.secret != "":
		return confidential.NewCredFromSecret(c.secret)
	case c.key != nil:
		return confidential.NewCredFromCert(c.certs, c.key)
	}
	return confidential.Credential{}, errors.New("identity: no client credential")
}

// authenticate adds the client authentication to a token request form:
// client_secret, or a client_assertion JWT signed as MSAL for Go signs it for
// Entra authorities (PS256, header x5t#S256, aud = the token endpoint,
// iss = sub = client id, 10 minutes).
func (c ClientCredential) authenticate(form url.Values, clientID, tokenURL string, now time.Time) error {
	form.Set("client_id", clientID)
	switch {
	case c.secret != "":
		form.Set("client_secret", c.secret)
		return nil
	case c.key != nil:
		a, err := c.assertion(clientID, tokenURL, now)
		if err != nil {
			return err
		}
		form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		form.Set("client_assertion", a)
		return nil
	}
	return errors.New("identity: no client credential")
}

func (c ClientCredential) assertion(clientID, tokenURL string, now time.Time) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodPS256, jwt.MapClaims{
		"aud": tokenURL,
		"iss": clientID,
		"sub": clientID,
		"jti": uuid.NewString(),
		"nbf": now.Unix(),
		"iat": now.Unix(),
		"exp": now.Add(10 * time.Minute).Unix(),
	})
	t.Header["x5t#S256"] = c.thumbprint()
	s, err := t.SignedString(c.key)
	if err != nil {
		return "", fmt.Errorf("identity: sign client assertion: %w", err)
	}
	return s, nil
}
