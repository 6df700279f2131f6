package entra

import (
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition (RFC 7515 §4.1.7)
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
)

// AddCertificate registers a certificate credential for an app, as an admin
// uploads one under "Certificates & secrets"; client assertions signed with
// its key then authenticate the app. An app may hold several (rotation).
func (s *Server) AddCertificate(clientID string, cert *x509.Certificate) error {
	if cert == nil {
		return errors.New("entra: certificate is nil")
	}
	return s.editApp(clientID, func(a *App) {
		if !slices.ContainsFunc(a.Certificates, cert.Equal) {
			a.Certificates = append(a.Certificates, cert)
		}
	})
}

// RemoveCertificate removes a certificate credential from an app.
func (s *Server) RemoveCertificate(clientID string, cert *x509.Certificate) error {
	return s.editApp(clientID, func(a *App) {
		a.Certificates = slices.DeleteFunc(a.Certificates, cert.Equal)
	})
}

// thumbprint is a certificate thumbprint from a JWT header: the x5t#S256
// (SHA-256) or the legacy x5t (SHA-1) of the certificate's DER encoding.
type thumbprint struct {
	sha256 bool
	sum    []byte
}

// decodeThumbprint decodes a header thumbprint. Entra documents base64url
// (learn.microsoft.com/entra/identity-platform/certificate-credentials), yet
// MSAL for Go sends standard base64 with padding and works against Entra
// (AzureAD/microsoft-authentication-library-for-go
// apps/internal/oauth/ops/accesstokens/accesstokens.go), so both alphabets,
// padded or not, are read. The length must be the hash's.
func decodeThumbprint(v string, sha256Sum bool) (thumbprint, bool) {
	want := sha1.Size
	if sha256Sum {
		want = sha256.Size
	}
	for _, enc := range []*base64.Encoding{base64.RawURLEncoding, base64.URLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(v); err == nil && len(b) == want {
			return thumbprint{sha256: sha256Sum, sum: b}, true
		}
	}
	return thumbprint{}, false
}

// matches reports whether the thumbprint is cert's.
func (t thumbprint) matches(cert *x509.Certificate) bool {
	if t.sha256 {
		sum := sha256.Sum256(cert.Raw)
		return slices.Equal(sum[:], t.sum)
	}
	sum := sha1.Sum(cert.Raw) //nolint:gosec // see the import
	return slices.Equal(sum[:], t.sum)
}

// String is the thumbprint in hex, upper case, as Entra's messages print it.
func (t thumbprint) String() string { return strings.ToUpper(hex.EncodeToString(t.sum)) }
