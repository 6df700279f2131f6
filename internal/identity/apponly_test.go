package identity

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func TestAppTokenSource(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	src, err := NewAppTokenSource(AppTokenOptions{
		Authority: f.idp.URL(), TenantID: demo.TenantID, ClientID: demo.ClientID, Credential: secret(t, demo.ClientSecret),
		HTTPClient: f.idp.Client(), Logger: f.log, DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := src.Token(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	f.remember(tok)
	again, err := src.Token(t.Context())
	if err != nil || again != tok {
		t.Fatalf("second Token: %v (same token: %v)", err, again == tok)
	}
	if n := f.idp.GrantCount("client_credentials"); n != 1 {
		t.Errorf("%d client-credentials requests, want 1 (MSAL's cache)", n)
	}
	bad, err := NewAppTokenSource(AppTokenOptions{
		Authority: f.idp.URL(), TenantID: demo.TenantID, ClientID: demo.ClientID, Credential: secret(t, "wrong"),
		HTTPClient: f.idp.Client(), Logger: f.log, DisableInstanceDiscovery: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Token(t.Context()); flowdeck.KindOf(err) != flowdeck.ErrMisconfigured {
		t.Errorf("bad secret: %v, want misconfigured", err)
	}
}

func certPEM(t *testing.T) []byte {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "flowdeck"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})...)
}

func TestClientCredential(t *testing.T) {
	t.Parallel()
	s := secret(t, "s3cr3t-value")
	if out := fmt.Sprintf("%v %+v %#v %s", s, s, s, s); strings.Contains(out, "s3cr3t") {
		t.Errorf("the secret prints: %s", out)
	}
	if _, err := NewSecretCredential(" "); err == nil {
		t.Error("empty secret accepted")
	}
	pemData := certPEM(t)
	c, err := NewCertificateCredential(pemData)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	now := time.Now()
	if err := c.authenticate(form, demo.ClientID, "https://login.example/t/oauth2/v2.0/token", now); err != nil {
		t.Fatal(err)
	}
	if form.Get("client_secret") != "" || form.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		t.Fatalf("form = %v", form)
	}
	block, _ := pem.Decode(pemData)
	cert, _ := x509.ParseCertificate(block.Bytes)
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(form.Get("client_assertion"), claims, func(*jwt.Token) (any, error) { return cert.PublicKey, nil },
		jwt.WithValidMethods([]string{"PS256"}), jwt.WithAudience("https://login.example/t/oauth2/v2.0/token"), jwt.WithIssuer(demo.ClientID))
	if err != nil {
		t.Fatalf("client assertion: %v", err)
	}
	sum := sha256.Sum256(cert.Raw)
	if tok.Header["x5t#S256"] != base64.RawURLEncoding.EncodeToString(sum[:]) || claims["sub"] != demo.ClientID || claims["jti"] == "" {
		t.Errorf("header %v claims %v", tok.Header, claims)
	}
	// A certificate the app registration does not hold is refused (AADSTS700027), a deployment problem.
	f := newFixture(t)
	f.consentAll(adele)
	b, err := NewBroker(BrokerOptions{Registry: f.reg, Store: f.store, Authority: f.idp.URL(), ClientID: demo.ClientID,
		Credential: c, HTTPClient: f.idp.Client(), Now: f.clock.Now, Logger: f.log})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Token(f.sso(t, adele, false), principal(adele), Graph); flowdeck.KindOf(err) != flowdeck.ErrMisconfigured {
		t.Errorf("certificate at the fake: %v", err)
	}
}
