package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// GrantJWTBearer is the OAuth grant type of the On-Behalf-Of exchange.
const GrantJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// tokenClient posts hand-written token requests to Entra's v2.0 token
// endpoint of a tenant.
type tokenClient struct {
	authority string // https://login.microsoftonline.com, no tenant
	clientID  string
	cred      ClientCredential
	hc        *http.Client
	now       func() time.Time
}

// tokenResponse is a successful token endpoint answer.
type tokenResponse struct {
	AccessToken  string      `json:"access_token"`
	RefreshToken string      `json:"refresh_token"`
	ExpiresIn    json.Number `json:"expires_in"`
	Scope        string      `json:"scope"`
	IDToken      string      `json:"id_token"`
}

// expiresAt returns when the access token expires, by our clock.
func (r tokenResponse) expiresAt(now time.Time) time.Time {
	secs, err := r.ExpiresIn.Int64()
	if err != nil || secs <= 0 {
		secs = 300
	}
	return now.Add(time.Duration(secs) * time.Second)
}

func (c *tokenClient) tokenURL(tenantID string) string {
	return c.authority + "/" + url.PathEscape(tenantID) + "/oauth2/v2.0/token"
}

// post sends form (client authentication added) to the tenant's token
// endpoint. A non-200 answer is an *EntraError; a transport failure is
// returned as is (without the request URL's query, which holds nothing secret
// anyway since everything travels in the body).
func (c *tokenClient) post(ctx context.Context, tenantID string, form url.Values) (tokenResponse, error) {
	endpoint := c.tokenURL(tenantID)
	if err := c.cred.authenticate(form, c.clientID, endpoint, c.now()); err != nil {
		return tokenResponse{}, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return tokenResponse{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if id := flowdeck.RequestID(ctx); id != "" {
		req.Header.Set("client-request-id", id)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return tokenResponse{}, fmt.Errorf("token endpoint %s: %w", tenantID, unwrapURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return tokenResponse{}, fmt.Errorf("token endpoint %s: read: %w", tenantID, err)
	}
	if resp.StatusCode != http.StatusOK {
		return tokenResponse{}, parseEntraError(resp.StatusCode, resp.Header, body)
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return tokenResponse{}, fmt.Errorf("token endpoint %s: answer without an access token", tenantID)
	}
	return tr, nil
}

// unwrapURLError drops *url.Error's URL and operation, keeping the cause.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// obo exchanges the user's SSO assertion for a token of audience a, On
// Behalf Of the user, by a hand-written jwt-bearer request. It asks the
// resource's .default (Audience.SilentScopes): the token carries whatever
// the user or the tenant consented, so a missing permission costs only the
// actions that need it, and AADSTS65001 means nothing is consented at all. MSAL for Go is not
// used for this: it cannot persist OBO results in an external cache (its issue
// #455) and never hands out the refresh token, which the broker must keep
// (encrypted) so that other replicas and the background monitor can act for
// the user after the SSO token has expired.
func (b *Broker) obo(ctx context.Context, p flowdeck.Principal, a Audience, ai int, assertion flowdeck.Assertion) (string, error) {
	form := url.Values{
		"grant_type":          {GrantJWTBearer},
		"requested_token_use": {"on_behalf_of"},
		"assertion":           {assertion.Token()}, // the one place the token leaves the Assertion
		"scope":               {strings.Join(a.SilentScopes(), " ")},
	}
	claims := b.withClaims(form, p, a)
	start := b.now()
	tr, err := b.tc.post(ctx, p.TenantID, form)
	b.metrics.exchange("obo", a.Key, err)
	if err != nil {
		fe, _ := classify(err, grantOBO, a)
		b.rememberClaims(p, a, fe)
		b.addURLs(fe, p, a)
		b.logFailure(ctx, "obo", p, a, fe)
		return "", fe
	}
	b.log.LogAttrs(ctx, slog.LevelDebug, "identity: obo exchange",
		attrs(p, a, slog.Duration("took", b.now().Sub(start)))...)
	b.claimsSatisfied(p, a, claims)
	return b.save(ctx, p, a, ai, tr, "")
}
