package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// MicrosoftAuthority reports whether u is one of Microsoft's Entra authority
// hosts, for which MSAL's instance discovery works; for any other host (a
// fake on loopback) discovery is turned off.
func MicrosoftAuthority(u *url.URL) bool {
	switch strings.ToLower(u.Hostname()) {
	case "login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn":
		return true
	}
	return false
}

// CheckOIDC fetches OpenID metadata and checks the fields MSAL needs.
func CheckOIDC(ctx context.Context, client *http.Client, url string) error {
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
