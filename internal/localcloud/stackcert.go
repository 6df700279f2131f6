package localcloud

import (
	"os"
	"path/filepath"
	"time"

	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/fakeca"
)

// useCertificate gives the app registration a certificate credential in
// place of its secret, as a production deployment does: the certificate is
// uploaded to the fake Entra ID, the secret removed there and from c, and
// the certificate with its key written to c.DataDir and named in
// c.ClientCertFile.
func (lc *Cloud) useCertificate(c *config.Config) error {
	now := time.Now()
	cert, err := fakeca.NewClientCert("FlowDeck", now.Add(-time.Hour), now.Add(365*24*time.Hour))
	if err != nil {
		return err
	}
	file := filepath.Join(c.DataDir, "flowdeck-client-cert.pem")
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(file, cert.PEM(), 0o600); err != nil {
		return err
	}
	if err := lc.Entra.AddCertificate(c.ClientID, cert.Cert); err != nil {
		return err
	}
	if err := lc.Entra.RemoveSecret(c.ClientID, c.ClientSecret); err != nil {
		return err
	}
	c.ClientSecret, c.ClientCertFile = "", file
	return nil
}
