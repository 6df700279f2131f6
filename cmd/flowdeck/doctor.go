package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/flowdeck/flowdeck/internal/config"
)

var doctorUsage = `Usage: flowdeck doctor [flags]

Checks a deployment: the configuration (every problem at once), then what it
points at — the Entra authority's OpenID metadata for the home tenant. It prints
the effective configuration with secrets redacted and exits non-zero on any
failure.

Flags:
` + configFlagsUsage + "\n" + config.Usage()

func runDoctor(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("doctor", doctorUsage, e)
	o := configFlags(fs)
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	c, code, ok := loadConfig(o, e, config.Serve, "doctor")
	if !ok {
		return code
	}
	fmt.Fprintln(e.stdout, "Configuration (secrets redacted):")
	for _, s := range c.Settings() {
		fmt.Fprintf(e.stdout, "  %s=%s\n", s.Name, s.Value)
	}
	fmt.Fprintln(e.stdout, "\nChecks:")
	client, err := outboundClient(c)
	if err != nil {
		fmt.Fprintf(e.stdout, "  FAIL  outbound TLS: %v\n", err)
		return exitFailure
	}
	failed := false
	for _, check := range []struct {
		name string
		run  func(context.Context) error
	}{
		{"configuration is valid", func(context.Context) error { return nil }},
		{"Entra authority answers with OpenID metadata for the home tenant", func(ctx context.Context) error {
			return checkOIDC(ctx, client, c.Authority(c.TenantID)+"/v2.0/.well-known/openid-configuration")
		}},
	} {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := check.run(cctx)
		cancel()
		if err != nil {
			failed = true
			fmt.Fprintf(e.stdout, "  FAIL  %s: %v\n", check.name, err)
			continue
		}
		fmt.Fprintf(e.stdout, "  ok    %s\n", check.name)
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

// checkOIDC fetches OpenID metadata and checks the fields MSAL needs.
func checkOIDC(ctx context.Context, client *http.Client, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach %s: %w (check FLOWDECK_AUTHORITY_URL and the network)", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s (check FLOWDECK_TENANT_ID)", url, resp.Status)
	}
	var doc struct {
		Issuer                string `json:"issuer"`
		TokenEndpoint         string `json:"token_endpoint"`
		AuthorizationEndpoint string `json:"authorization_endpoint"`
		JWKSURI               string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&doc); err != nil {
		return fmt.Errorf("%s is not OpenID metadata: %w", url, err)
	}
	if doc.Issuer == "" || doc.TokenEndpoint == "" || doc.AuthorizationEndpoint == "" || doc.JWKSURI == "" {
		return fmt.Errorf("%s lacks issuer, token, authorization or keys endpoints", url)
	}
	return nil
}
