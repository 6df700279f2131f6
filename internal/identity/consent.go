package identity

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
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
	// RedirectURL is <public URL>/auth/end, registered as a redirect URI of
	// the app. /auth/start and /auth/end.js live next to it.
	RedirectURL string
	// HTTPClient is used for code redemption; default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Broker stores the tokens; required. NewConsent attaches itself to it so
	// that its consent errors carry a consent URL.
	Broker *Broker
	// Registry lists the audiences; default the broker's.
	Registry *Registry
	// StateKey is a 32-byte secret that seals the state and the PKCE cookie
	// (a purpose-bound key is derived from it; the token encryption key may be reused).
	StateKey []byte
	// Now is the clock; default time.Now.
	Now func() time.Time
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
type Consent struct {
	authority   string
	clientID    string
	cred        ClientCredential
	redirect    string
	secure      bool
	startURL    string
	scriptPath  string
	cookiePath  string
	hc          *http.Client
	broker      *Broker
	auds        []Audience
	seal        *sealer
	now         func() time.Time
	log         *slog.Logger
	noDiscovery bool
	teamsJS     string
	teamsSRI    string
}

// NewConsent returns the consent flow and attaches it to o.Broker. Problems
// with the options are flowdeck.ErrMisconfigured.
func NewConsent(o ConsentOptions) (*Consent, error) {
	authority, err := checkAuthority(o.Authority)
	if err != nil {
		return nil, err
	}
	ru, err := url.Parse(o.RedirectURL)
	switch {
	case err != nil || ru.Host == "" || (ru.Scheme != "https" && ru.Scheme != "http") || ru.RawQuery != "" || ru.Fragment != "":
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the redirect URL %q is not an absolute URL without a query", o.RedirectURL)
	case o.Broker == nil:
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the consent flow needs the token broker")
	case o.ClientID == "" || o.Credential.IsZero():
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the consent flow needs the client id and credential")
	}
	seal, err := newSealer(o.StateKey)
	if err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, err, "identity: the consent state key must be 32 bytes")
	}
	dir := path.Dir(ru.Path)
	start := *ru
	start.Path = path.Join(dir, "start")
	c := &Consent{
		authority:   authority,
		clientID:    o.ClientID,
		cred:        o.Credential,
		redirect:    o.RedirectURL,
		secure:      ru.Scheme == "https",
		startURL:    start.String(),
		scriptPath:  ru.Path + ".js",
		cookiePath:  dir,
		hc:          o.HTTPClient,
		broker:      o.Broker,
		auds:        o.Broker.auds,
		seal:        seal,
		now:         o.Now,
		log:         o.Logger,
		noDiscovery: o.DisableInstanceDiscovery,
		teamsJS:     o.TeamsJSURL,
		teamsSRI:    o.TeamsJSIntegrity,
	}
	if o.Registry != nil {
		c.auds = o.Registry.All()
	}
	if c.hc == nil {
		c.hc = &http.Client{Timeout: 30 * time.Second}
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.teamsJS == "" {
		c.teamsJS = DefaultTeamsJSURL
	}
	o.Broker.consent.Store(c)
	return c, nil
}

// prompts are the prompt values StartURL accepts.
var prompts = []string{"", "consent", "login", "select_account"}

// StartURL returns the FlowDeck URL (/auth/start?s=…) that starts sign-in
// and consent for the user and the audiences (registry keys; none means all).
// loginHint pre-fills the account (the UPN); prompt is "", "consent",
// "login" or "select_account". The sealed state binds tenant, user, a nonce,
// the audiences and a 10-minute expiry.
func (c *Consent) StartURL(p flowdeck.Principal, loginHint string, audiences []string, prompt string) (string, error) {
	return c.start(p, loginHint, audiences, nil, prompt, "")
}

// PermissionURL returns the /auth/start URL whose consent page asks the user
// for the named permissions of one audience only (prompt=consent), the
// interactive answer to a permission the API said is missing.
func (c *Consent) PermissionURL(p flowdeck.Principal, loginHint, audience string, permissions ...string) (string, error) {
	a, ok := c.audience(audience)
	if !ok {
		return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: unknown audience %q", audience)
	}
	for _, n := range permissions {
		if !a.HasScope(n) {
			return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: %s is not a permission FlowDeck asks of %s", n, a.Name)
		}
	}
	return c.start(p, loginHint, []string{audience}, permissions, "consent", "")
}

// start seals the consent state and returns its /auth/start URL: the
// audiences (all when none), the only permissions to ask (all when none), the
// prompt, and a claims challenge for the authorize request ("" when none).
func (c *Consent) start(p flowdeck.Principal, loginHint string, audiences, permissions []string, prompt, claims string) (string, error) {
	if !p.Valid() {
		return "", flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
	}
	if !slices.Contains(prompts, prompt) {
		return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: prompt %q is not supported", prompt)
	}
	if len(audiences) == 0 {
		for _, a := range c.auds {
			audiences = append(audiences, a.Key)
		}
	}
	for _, k := range audiences {
		if _, ok := c.audience(k); !ok {
			return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: unknown audience %q", k)
		}
	}
	sealed, err := c.seal.seal(purposeState, consentState{
		Tenant: p.TenantID, User: p.UserID, Nonce: randomToken(18), Audiences: slices.Compact(slices.Clone(audiences)),
		Permissions: slices.Clone(permissions), Claims: claims,
		LoginHint: loginHint, Prompt: prompt, Expires: c.now().Add(stateLifetime).Unix(),
	})
	if err != nil {
		return "", flowdeck.Wrap(flowdeck.ErrInternal, err, "identity: seal consent state")
	}
	return c.startURL + "?s=" + sealed, nil
}

func (c *Consent) audience(key string) (Audience, bool) {
	for _, a := range c.auds {
		if a.Key == key {
			return a, true
		}
	}
	return Audience{}, false
}

// openState opens and checks a sealed state.
func (c *Consent) openState(sealed string) (consentState, string) {
	var st consentState
	if sealed == "" || c.seal.open(purposeState, sealed, &st) != nil || st.Nonce == "" || st.Tenant == "" || st.User == "" {
		return st, "invalid_state"
	}
	if c.now().Unix() >= st.Expires {
		return st, "expired"
	}
	return st, ""
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
