package fakeca

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// ClientCert is a self-signed RSA certificate and its key: an app
// registration's certificate credential, as an admin creates one with
// New-SelfSignedCertificate or openssl and uploads its public half to Entra.
type ClientCert struct {
	// Cert is the certificate (what Entra holds).
	Cert *x509.Certificate
	// Key is its private key (what the app holds).
	Key *rsa.PrivateKey
}

// NewClientCert creates a 2048-bit RSA certificate for name, valid from
// notBefore to notAfter.
func NewClientCert(name string, notBefore, notAfter time.Time) (*ClientCert, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("fakeca: generate client key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("fakeca: create client certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &ClientCert{Cert: cert, Key: key}, nil
}

// PEM is the certificate followed by its PKCS#8 private key, the form of
// FLOWDECK_CLIENT_CERT_FILE.
func (c *ClientCert) PEM() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(c.Key)
	if err != nil {
		panic(err) // an RSA key always marshals
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Cert.Raw})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
}
