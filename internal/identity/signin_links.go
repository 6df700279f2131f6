package identity

import (
	"net/url"
	"path"
	"slices"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// SignInLinksOptions configure the sign-in links.
type SignInLinksOptions struct {
	// RedirectURL is <public URL>/auth/end, registered as a redirect URI of
	// the app. /auth/start and /auth/end.js live next to it. Required.
	RedirectURL string
	// StateKey is a 32-byte secret that seals the state and the PKCE cookie
	// (a purpose-bound key is derived from it; the token encryption key may be reused).
	StateKey []byte
	// Registry lists the audiences; required.
	Registry *Registry
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Authority and ClientID, when set, make AdminConsentURL the tenant's
	// admin-consent link (for consent only an administrator can give).
	Authority, ClientID string
}

// SignInLinks makes the FlowDeck URLs (/auth/start?s=…) that start the
// interactive sign-in and consent flow, with the user, the audiences and a
// nonce sealed in the state. It is made first and shared: the Broker puts
// its links in consent and sign-in errors, and the Consent flow that serves
// /auth/start and /auth/end opens the states it sealed. Neither needs the
// other to be built first, and nothing is attached after construction.
type SignInLinks struct {
	redirect   string
	secure     bool
	startURL   string
	scriptPath string
	cookiePath string
	auds       []Audience
	seal       *sealer
	now        func() time.Time
	authority  string
	clientID   string
}

// NewSignInLinks checks o and returns the links. Problems are
// flowdeck.ErrMisconfigured.
func NewSignInLinks(o SignInLinksOptions) (*SignInLinks, error) {
	ru, err := url.Parse(o.RedirectURL)
	switch {
	case err != nil || ru.Host == "" || (ru.Scheme != "https" && ru.Scheme != "http") || ru.RawQuery != "" || ru.Fragment != "":
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the redirect URL %q is not an absolute URL without a query", o.RedirectURL)
	case o.Registry == nil:
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the sign-in links need the audience registry")
	}
	seal, err := newSealer(o.StateKey)
	if err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, err, "identity: the consent state key must be 32 bytes")
	}
	dir := path.Dir(ru.Path)
	start := *ru
	start.Path = path.Join(dir, "start")
	l := &SignInLinks{
		redirect:   o.RedirectURL,
		secure:     ru.Scheme == "https",
		startURL:   start.String(),
		scriptPath: ru.Path + ".js",
		cookiePath: dir,
		auds:       o.Registry.All(),
		seal:       seal,
		now:        o.Now,
		authority:  o.Authority,
		clientID:   o.ClientID,
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

// AdminConsentURL is the tenant's admin-consent link for every audience, or
// "" when the links were made without an authority and client id.
func (l *SignInLinks) AdminConsentURL(tenantID string) string {
	if l.authority == "" || l.clientID == "" {
		return ""
	}
	res := make([]string, 0, len(l.auds))
	for _, a := range l.auds {
		res = append(res, a.Resource)
	}
	return AdminConsentURL(l.authority, tenantID, l.clientID, l.redirect, res...)
}

// prompts are the prompt values StartURL accepts.
var prompts = []string{"", "consent", "login", "select_account"}

// StartURL returns the FlowDeck URL (/auth/start?s=…) that starts sign-in
// and consent for the user and the audiences (registry keys; none means all).
// loginHint pre-fills the account (the UPN); prompt is "", "consent",
// "login" or "select_account". The sealed state binds tenant, user, a nonce,
// the audiences and a 10-minute expiry.
func (l *SignInLinks) StartURL(p flowdeck.Principal, loginHint string, audiences []string, prompt string) (string, error) {
	return l.start(p, loginHint, audiences, nil, prompt, "")
}

// PermissionURL returns the /auth/start URL whose consent page asks the user
// for the named permissions of one audience only (prompt=consent), the
// interactive answer to a permission the API said is missing.
func (l *SignInLinks) PermissionURL(p flowdeck.Principal, loginHint, audience string, permissions ...string) (string, error) {
	a, ok := l.audience(audience)
	if !ok {
		return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: unknown audience %q", audience)
	}
	for _, n := range permissions {
		if !a.HasScope(n) {
			return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: %s is not a permission FlowDeck asks of %s", n, a.Name)
		}
	}
	return l.start(p, loginHint, []string{audience}, permissions, "consent", "")
}

// start seals the consent state and returns its /auth/start URL: the
// audiences (all when none), the only permissions to ask (all when none), the
// prompt, and a claims challenge for the authorize request ("" when none).
func (l *SignInLinks) start(p flowdeck.Principal, loginHint string, audiences, permissions []string, prompt, claims string) (string, error) {
	if !p.Valid() {
		return "", flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
	}
	if !slices.Contains(prompts, prompt) {
		return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: prompt %q is not supported", prompt)
	}
	if len(audiences) == 0 {
		for _, a := range l.auds {
			audiences = append(audiences, a.Key)
		}
	}
	for _, k := range audiences {
		if _, ok := l.audience(k); !ok {
			return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: unknown audience %q", k)
		}
	}
	sealed, err := l.seal.seal(purposeState, consentState{
		Tenant: p.TenantID, User: p.UserID, Nonce: randomToken(18), Audiences: slices.Compact(slices.Clone(audiences)),
		Permissions: slices.Clone(permissions), Claims: claims,
		LoginHint: loginHint, Prompt: prompt, Expires: l.now().Add(stateLifetime).Unix(),
	})
	if err != nil {
		return "", flowdeck.Wrap(flowdeck.ErrInternal, err, "identity: seal consent state")
	}
	return l.startURL + "?s=" + sealed, nil
}

func (l *SignInLinks) audience(key string) (Audience, bool) {
	for _, a := range l.auds {
		if a.Key == key {
			return a, true
		}
	}
	return Audience{}, false
}

// openState opens and checks a sealed state.
func (l *SignInLinks) openState(sealed string) (consentState, string) {
	var st consentState
	if sealed == "" || l.seal.open(purposeState, sealed, &st) != nil || st.Nonce == "" || st.Tenant == "" || st.User == "" {
		return st, "invalid_state"
	}
	if l.now().Unix() >= st.Expires {
		return st, "expired"
	}
	return st, ""
}
