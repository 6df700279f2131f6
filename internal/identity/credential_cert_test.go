package identity

import (
	"context"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestCertificateCredentialAtEntra: with only a certificate registered (the
// secret removed), FlowDeck's hand-written OBO and refresh requests and
// MSAL's app-only request all authenticate with client assertions the fake
// Entra ID verifies; a certificate it does not hold is a deployment problem
// with a clear message.
func TestCertificateCredentialAtEntra(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	now := f.clock.Now()
	cert, err := fakeca.NewClientCert("FlowDeck", now.Add(-time.Hour), now.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.idp.AddCertificate(demo.ClientID, cert.Cert); err != nil {
		t.Fatal(err)
	}
	if err := f.idp.RemoveSecret(demo.ClientID, demo.ClientSecret); err != nil {
		t.Fatal(err)
	}
	cred, err := NewCertificateCredential(cert.PEM())
	if err != nil {
		t.Fatal(err)
	}
	// MSAL stamps nbf with the machine clock: keep the fake's clock just after it.
	f.clock.Advance(30 * time.Second)

	app, err := NewAppTokenSource(AppTokenOptions{Authority: f.idp.URL(), TenantID: demo.TenantID, ClientID: demo.ClientID,
		Credential: cred, HTTPClient: f.idp.Client(), Logger: f.log, DisableInstanceDiscovery: true})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := app.Token(t.Context())
	if err != nil {
		t.Fatalf("app-only token with a certificate: %v", err)
	}
	f.remember(tok)

	f.consentAll(adele)
	b, err := NewBroker(BrokerOptions{Registry: f.reg, Store: f.store, Authority: f.idp.URL(), ClientID: demo.ClientID,
		Credential: cred, HTTPClient: f.idp.Client(), Now: f.clock.Now, Logger: f.log})
	if err != nil {
		t.Fatal(err)
	}
	for aud := range resources {
		f.token(t, f.sso(t, adele, false), b, adele, aud)
	}
	if n := f.idp.GrantCount(entra.GrantOBO); n != len(resources) {
		t.Errorf("%d OBO requests, want %d", n, len(resources))
	}
	f.clock.Advance(56 * time.Minute)
	f.token(t, context.Background(), b, adele, Flow)
	if n := f.idp.GrantCount(entra.GrantRefreshToken); n != 1 {
		t.Errorf("%d refresh requests, want 1", n)
	}
	// One assertion per request, each accepted once: app-only, every OBO, the refresh.
	if got, want := f.idp.AssertionCount(), 1+len(resources)+1; got != want {
		t.Errorf("AssertionCount = %d, want %d", got, want)
	}

	// A certificate Entra does not hold: misconfigured, pointing at doctor.
	stranger, err := fakeca.NewClientCert("FlowDeck old", now.Add(-time.Hour), now.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	old, err := NewCertificateCredential(stranger.PEM())
	if err != nil {
		t.Fatal(err)
	}
	bad, err := NewBroker(BrokerOptions{Registry: f.reg, Store: f.store, Authority: f.idp.URL(), ClientID: demo.ClientID,
		Credential: old, HTTPClient: f.idp.Client(), Now: f.clock.Now, Logger: f.log})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.Token(f.sso(t, megan, false), principal(megan), Graph)
	if fe := asError(t, err, flowdeck.ErrMisconfigured); !strings.Contains(fe.Message, "flowdeck doctor") || fe.Detail["aadsts"] != "700027" {
		t.Errorf("unregistered certificate: %q %v", fe.Message, fe.Detail)
	}
}

// TestCertificateCredentialPicksTheKeysCertificate: a PEM file may list a
// chain in any order; the certificate that belongs to the private key signs
// (its thumbprint goes into the assertion), and a file whose certificates
// all belong to other keys is refused when FlowDeck starts.
func TestCertificateCredentialPicksTheKeysCertificate(t *testing.T) {
	t.Parallel()
	now := time.Now()
	leaf, err := fakeca.NewClientCert("FlowDeck", now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	other, err := fakeca.NewClientCert("Issuing CA", now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	otherPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: other.Cert.Raw})
	c, err := NewCertificateCredential(append(otherPEM, leaf.PEM()...))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Certificate().Equal(leaf.Cert) {
		t.Errorf("signing certificate %q, want the key's %q", c.Certificate().Subject.CommonName, leaf.Cert.Subject.CommonName)
	}
	keyOnly := leaf.PEM()[len(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Cert.Raw})):]
	if _, err := NewCertificateCredential(append(otherPEM, keyOnly...)); err == nil || !strings.Contains(err.Error(), "belongs to its private key") {
		t.Errorf("a certificate of another key: %v", err)
	}
	if s, _ := NewSecretCredential("x"); s.Certificate() != nil {
		t.Error("a secret has a certificate")
	}
}
