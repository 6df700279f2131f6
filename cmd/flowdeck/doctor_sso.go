package main

import (
	"github.com/flowdeck/flowdeck/internal/app"

	"context"
	"crypto/sha1" //nolint:gosec // the Entra portal shows a certificate's SHA-1 thumbprint
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/appmanifest"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/identity"
)

// certificateMinLife is how long before its end a client certificate makes
// doctor fail, so that it is renewed (and uploaded to Entra) in time.
const certificateMinLife = 30 * 24 * time.Hour

// checkTeamsSSOWiring checks what Teams compares when it gets an SSO token
// for the bot and the tab: the manifest FlowDeck builds must carry
// webApplicationInfo {id: the client id, resource: the Application ID URI},
// the URI must read api://<public host>/botid-<client id> (Teams matches the
// botid- form for bot SSO; a host in upper case breaks Android), the public
// host must be the only valid domain, and the bot id must be the client id.
func checkTeamsSSOWiring(c config.Config) error {
	o := appmanifest.Options{ClientID: c.ClientID, PublicURL: c.PublicURL, AppIDURI: c.AppIDURI, Commands: app.ManifestCommands(), LinkDomains: app.ManifestLinkDomains(c)}
	raw, err := appmanifest.Manifest(o)
	if err != nil {
		return fmt.Errorf("%w (check FLOWDECK_APP_ID_URI, FLOWDECK_PUBLIC_URL and FLOWDECK_CLIENT_ID)", err)
	}
	var m struct {
		Bots []struct {
			BotID string `json:"botId"`
		} `json:"bots"`
		ValidDomains       []string `json:"validDomains"`
		WebApplicationInfo struct {
			ID       string `json:"id"`
			Resource string `json:"resource"`
		} `json:"webApplicationInfo"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("the manifest does not parse: %w", err)
	}
	host := strings.ToLower(c.PublicURL.Host)
	var problems []string
	if !strings.EqualFold(m.WebApplicationInfo.ID, c.ClientID) {
		problems = append(problems, fmt.Sprintf("webApplicationInfo.id %q is not the client id %s", m.WebApplicationInfo.ID, c.ClientID))
	}
	if m.WebApplicationInfo.Resource != c.AppIDURI {
		problems = append(problems, fmt.Sprintf("webApplicationInfo.resource %q is not FLOWDECK_APP_ID_URI %q", m.WebApplicationInfo.Resource, c.AppIDURI))
	}
	if len(m.Bots) != 1 || !strings.EqualFold(m.Bots[0].BotID, c.ClientID) {
		problems = append(problems, "bots[0].botId is not the client id")
	}
	if !slices.Contains(m.ValidDomains, host) {
		problems = append(problems, fmt.Sprintf("validDomains %v lacks the public host %s", m.ValidDomains, host))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// checkJWKS fetches a JSON Web Key Set and checks that it holds RSA signing
// keys; endorsement, when set, must be among some key's endorsements (the
// Bot Framework's keys name the channels they may sign for).
func checkJWKS(ctx context.Context, client *http.Client, keysURL, endorsement string) error {
	var set struct {
		Keys []struct {
			Kty          string   `json:"kty"`
			Kid          string   `json:"kid"`
			Endorsements []string `json:"endorsements"`
		} `json:"keys"`
	}
	if err := getJSON(ctx, client, keysURL, &set); err != nil {
		return err
	}
	rsaKeys, endorsed := 0, false
	for _, k := range set.Keys {
		if k.Kty == "RSA" && k.Kid != "" {
			rsaKeys++
			endorsed = endorsed || slices.Contains(k.Endorsements, endorsement)
		}
	}
	switch {
	case rsaKeys == 0:
		return fmt.Errorf("%s holds no RSA signing keys", keysURL)
	case endorsement != "" && !endorsed:
		return fmt.Errorf("no key of %s is endorsed for %q", keysURL, endorsement)
	}
	return nil
}

// checkBotMetadata fetches the Bot Framework's OpenID metadata (channel
// tokens) and its keys, which must be endorsed for msteams.
func checkBotMetadata(ctx context.Context, client *http.Client, metadataURL string) error {
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := getJSON(ctx, client, metadataURL, &doc); err != nil {
		return fmt.Errorf("%w (check FLOWDECK_BOT_OPENID_METADATA_URL and FLOWDECK_CLOUD)", err)
	}
	if doc.Issuer == "" || doc.JWKSURI == "" {
		return fmt.Errorf("%s lacks issuer or jwks_uri", metadataURL)
	}
	return checkJWKS(ctx, client, doc.JWKSURI, "msteams")
}

// getJSON GETs url and decodes its 200 JSON answer into v.
func getJSON(ctx context.Context, client *http.Client, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach %s: %w", u, unwrapURL(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", u, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v); err != nil {
		return fmt.Errorf("%s is not JSON: %w", u, err)
	}
	return nil
}

// unwrapURL drops *url.Error's repetition of the URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// checkClientCertificate fails when the certificate of
// FLOWDECK_CLIENT_CERT_FILE (the one that belongs to its key) is not valid
// now or ends within certificateMinLife; the message names the SHA-1
// thumbprint the Entra portal lists under "Certificates & secrets", to
// compare with the uploaded certificate.
func checkClientCertificate(c config.Config, now time.Time) error {
	cred, err := app.Credential(c)
	if err != nil {
		return err
	}
	cert := cred.Certificate()
	if cert == nil {
		return errors.New("FLOWDECK_CLIENT_CERT_FILE holds no certificate")
	}
	id := fmt.Sprintf("certificate %q, thumbprint %s", cert.Subject.CommonName, portalThumbprint(cert))
	switch {
	case now.Before(cert.NotBefore):
		return fmt.Errorf("%s is not valid before %s", id, cert.NotBefore.UTC().Format(time.DateOnly))
	case !now.Before(cert.NotAfter):
		return fmt.Errorf("%s expired on %s: create a new one, upload it to the app registration, then set FLOWDECK_CLIENT_CERT_FILE", id, cert.NotAfter.UTC().Format(time.DateOnly))
	case cert.NotAfter.Sub(now) < certificateMinLife:
		return fmt.Errorf("%s expires on %s: upload its successor to the app registration now (both stay valid), then switch FLOWDECK_CLIENT_CERT_FILE", id, cert.NotAfter.UTC().Format(time.DateOnly))
	}
	return nil
}

// portalThumbprint is the certificate's SHA-1 thumbprint in upper-case hex,
// as the Entra portal lists it under "Certificates & secrets".
func portalThumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw) //nolint:gosec // see the import
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// credentialProblem turns a failed app-only token into what Entra said,
// since doctor is where FlowDeck's own messages send the administrator.
func credentialProblem(err error, c config.Config) error {
	var ee *identity.EntraError
	if !errors.As(err, &ee) {
		return err
	}
	hint := "check FLOWDECK_CLIENT_ID, FLOWDECK_TENANT_ID and the credential"
	switch {
	case ee.Has(700027) || ee.Has(7000274):
		hint = "upload this certificate (its public part) to the app registration under Certificates & secrets, or point FLOWDECK_CLIENT_CERT_FILE at the one uploaded"
		if cred, err := app.Credential(c); err == nil && cred.Certificate() != nil {
			hint += "; its thumbprint, as the portal lists it, is " + portalThumbprint(cred.Certificate())
		}
	case ee.Has(700024):
		hint = "the client assertion's times were refused: check this machine's clock"
	case ee.Has(7000215) || ee.Has(7000222):
		hint = "set FLOWDECK_CLIENT_SECRET to the secret's value (not its id), or create a new secret"
	case ee.Has(700016):
		hint = fmt.Sprintf("no app %s in tenant %s: check FLOWDECK_CLIENT_ID and FLOWDECK_TENANT_ID", c.ClientID, c.TenantID)
	}
	return fmt.Errorf("refused by Entra ID: %s (%s)", ee.Description, hint)
}
