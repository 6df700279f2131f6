package identity

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ConsentOptions configure the consent and sign-in flow.
type ConsentOptions struct {
	// Authority is the Entra host without a tenant, as for the broker.
	Authority string
	// ClientID and Credential are FlowDeck's app registration.
	ClientID   string
	Credential ClientCredential
	// Links make and open the sealed states of /auth/start (and give the
	// redirect URL, <public URL>/auth/end); required. The Broker shares them.
	Links *SignInLinks
	// HTTPClient is used for code redemption; default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Broker stores the tokens the flow obtains; required.
	Broker *Broker
	// Logger receives the flow's logs (never a token or code); default discards.
	Logger *slog.Logger
	// DisableInstanceDiscovery turns MSAL's instance discovery off: only for
	// an authority that is not a Microsoft cloud (the local fake). Production
	// keeps it on.
	DisableInstanceDiscovery bool
	// TeamsJSURL is the Teams JS SDK the end page loads; default DefaultTeamsJSURL.
	TeamsJSURL string
	// TeamsJSIntegrity is its Subresource Integrity hash (sha384-…), if known.
	TeamsJSIntegrity string
}

// DefaultTeamsJSURL is the pinned Teams JS SDK on Microsoft's CDN.
const DefaultTeamsJSURL = "https://res.cdn.office.net/teams-js/2.34.0/js/MicrosoftTeams.min.js"

// stateLifetime is how long a StartURL stays usable.
const stateLifetime = 10 * time.Minute

// Consent is the interactive fallback when silent SSO cannot get every
// audience: a FlowDeck URL (/auth/start) that the tab's
// authentication.authenticate popup or the bot's sign-in button opens, Entra's
// authorize page (code + PKCE, prompt=consent when asked), and /auth/end,
// which redeems the code, checks that the right user signed in, stores the
// tokens through the broker and tells Teams the outcome. Its handlers are
// plain net/http handlers.
//
// Its links (StartURL, StartURLWithClaims, PermissionURL) are its
// SignInLinks'.
type Consent struct {
	*SignInLinks
	authority   string
	clientID    string
	cred        ClientCredential
	hc          *http.Client
	broker      *Broker
	log         *slog.Logger
	noDiscovery bool
	teamsJS     string
	teamsSRI    string
}

// NewConsent returns the consent flow. Problems with the options are
// flowdeck.ErrMisconfigured.
func NewConsent(o ConsentOptions) (*Consent, error) {
	authority, err := checkAuthority(o.Authority)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Links == nil:
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the consent flow needs the sign-in links")
	case o.Broker == nil:
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the consent flow needs the token broker")
	case o.ClientID == "" || o.Credential.IsZero():
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the consent flow needs the client id and credential")
	}
	c := &Consent{
		SignInLinks: o.Links,
		authority:   authority,
		clientID:    o.ClientID,
		cred:        o.Credential,
		hc:          o.HTTPClient,
		broker:      o.Broker,
		log:         o.Logger,
		noDiscovery: o.DisableInstanceDiscovery,
		teamsJS:     o.TeamsJSURL,
		teamsSRI:    o.TeamsJSIntegrity,
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if c.log == nil {
		c.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.teamsJS == "" {
		c.teamsJS = DefaultTeamsJSURL
	}
	return c, nil
}

// Start serves GET /auth/start: it opens the state, keeps a fresh PKCE
// verifier in a sealed, short-lived HttpOnly cookie, and redirects to Entra's
// authorize endpoint of the user's tenant.
func (c *Consent) Start(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	sealed := r.URL.Query().Get("s")
	st, problem := c.openState(sealed)
	if problem != "" {
		c.fail(w, r, http.StatusBadRequest, problem)
		return
	}
	verifier := randomToken(32)
	cookie, err := c.seal.seal(purposeCookie, pkceCookie{Nonce: st.Nonce, Verifier: verifier, Expires: st.Expires})
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, "failed")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: cookieName(st.Nonce), Value: cookie, Path: c.cookiePath,
		MaxAge: int(st.Expires - c.now().Unix()), HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	})
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"client_id":             {c.clientID},
		"response_type":         {"code"},
		"response_mode":         {"query"},
		"redirect_uri":          {c.redirect},
		"scope":                 {strings.Join(c.scopes(st), " ")},
		"state":                 {sealed},
		"nonce":                 {st.Nonce},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	if st.LoginHint != "" {
		q.Set("login_hint", st.LoginHint)
	}
	if st.Prompt != "" {
		q.Set("prompt", st.Prompt)
	}
	if st.Claims != "" {
		q.Set("claims", st.Claims)
	}
	noStore(w)
	http.Redirect(w, r, c.authority+"/"+url.PathEscape(st.Tenant)+"/oauth2/v2.0/authorize?"+q.Encode(), http.StatusFound)
}

// scopes are what the authorize request asks: the named permissions when
// the flow was started for some (PermissionURL), otherwise every delegated
// permission of the requested audiences; plus openid, profile and
// offline_access. Each is formed by ScopeURI, so the token's aud is the
// registry's resource exactly.
func (c *Consent) scopes(st consentState) []string {
	var out []string
	for _, k := range st.Audiences {
		a, ok := c.audience(k)
		if !ok {
			continue
		}
		names := a.Scopes
		if len(st.Permissions) > 0 {
			names = st.Permissions
		}
		for _, n := range names {
			out = append(out, ScopeURI(a.Resource, n))
		}
	}
	return append(out, "openid", "profile", OfflineAccess)
}

func cookieName(nonce string) string {
	if len(nonce) > 12 {
		nonce = nonce[:12]
	}
	return "flowdeck_auth_" + nonce
}

// AdminConsentURL returns the tenant's admin-consent URL for a tenant
// administrator: {authority}/{tenant}/v2.0/adminconsent with client_id,
// redirect_uri and scope = the .default scope of each resource (default:
// Power Automate, Power Apps and Graph of the public cloud), which grants every
// permission the app registration lists for them, for the whole tenant. The
// redirect URI must be registered on the app. tenantID may be
// "organizations" when the tenant is not known yet.
func AdminConsentURL(authority, tenantID, clientID, redirectURL string, resources ...string) string {
	if len(resources) == 0 {
		public, _ := cloud.Get(cloud.Public)
		resources = []string{public.FlowAudience, public.PowerAppsAudience, public.GraphAudience}
	}
	scopes := make([]string, 0, len(resources))
	for _, r := range resources {
		scopes = append(scopes, Audience{Resource: r}.DefaultScope())
	}
	q := url.Values{"client_id": {clientID}, "redirect_uri": {redirectURL}, "scope": {strings.Join(scopes, " ")}}
	return strings.TrimSuffix(authority, "/") + "/" + url.PathEscape(tenantID) + "/v2.0/adminconsent?" + q.Encode()
}

// AdminConsentURL is the package function for this flow's authority, client,
// redirect URL and audiences.
func (c *Consent) AdminConsentURL(tenantID string) string {
	res := make([]string, 0, len(c.auds))
	for _, a := range c.auds {
		res = append(res, a.Resource)
	}
	return AdminConsentURL(c.authority, tenantID, c.clientID, c.redirect, res...)
}
