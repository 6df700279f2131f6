package app

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/flowdeck/flowdeck/internal/config"
)

// OutboundClient is an HTTP client that trusts the system roots plus FLOWDECK_CA_FILE.
func OutboundClient(c config.Config) (*http.Client, error) {
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read FLOWDECK_CA_FILE: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("FLOWDECK_CA_FILE %s holds no PEM certificate", c.CAFile)
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// A few upstream hosts take all the traffic (the Bot Connector, the Power
	// Platform APIs): keep enough idle connections to them that busy periods
	// reuse connections instead of paying a TLS handshake per request.
	tr.MaxIdleConnsPerHost = 64
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}
