package identity

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// BrokerOptions configure a Broker.
type BrokerOptions struct {
	// Registry lists the audiences; required.
	Registry *Registry
	// Store keeps the delegated tokens encrypted; required.
	Store flowdeck.TokenStore
	// Authority is the Entra host without a tenant, e.g.
	// https://login.microsoftonline.com. Token requests go to
	// {Authority}/{tenant}/oauth2/v2.0/token.
	Authority string
	// ClientID is FlowDeck's Entra app (client) id; required.
	ClientID string
	// Credential authenticates the app; required.
	Credential ClientCredential
	// HTTPClient sends the token requests; default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Logger receives the broker's logs (never a token); default discards.
	Logger *slog.Logger
	// RefreshAhead renews a token this long before it expires; default 5 minutes.
	RefreshAhead time.Duration
	// OnSignInNeeded, if set, is called once when a user's refresh token died
	// and nobody can act for them until they sign in again (the monitor pauses
	// their subscriptions). It is not called again for that user until new
	// tokens have been stored. It runs inside a token request and must not
	// block: FlowDeck passes a flowdeck.SignInQueue's Add, which the monitor
	// takes from.
	OnSignInNeeded func(ctx context.Context, p flowdeck.Principal)
	// Metrics, if set, counts exchanges and cache lookups.
	Metrics *BrokerMetrics
	// Links, if set, make the consent and sign-in URLs that consent and
	// interaction errors carry (Detail consent_url, signin_url); the Consent
	// flow serving them shares the same links.
	Links *SignInLinks
}

// Broker hands out delegated access tokens, one per (tenant, user,
// audience). It looks in memory first, then in the store (where tokens are
// encrypted), renews an expiring token with its refresh token, and otherwise
// exchanges the request's Teams SSO token (flowdeck.AssertionFrom) On Behalf
// Of the user. Concurrent requests for one key share one exchange. Failures
// are *flowdeck.Error values of a kind each surface can act on
// (ErrConsentRequired, ErrInteractionRequired, ErrMisconfigured, …).
//
// The OBO and refresh requests are written by hand, not made through MSAL for
// Go: MSAL cannot persist OBO results in an external cache (its issue #455)
// and never exposes refresh tokens, which the broker must store for other
// replicas and the background monitor.
type Broker struct {
	auds     []Audience
	audIdx   map[string]int
	store    flowdeck.TokenStore
	tc       *tokenClient
	now      func() time.Time
	log      *slog.Logger
	ahead    time.Duration
	onSignIn func(context.Context, flowdeck.Principal)
	metrics  *BrokerMetrics
	cache    *tokenCache
	sf       singleflight.Group
	notified sync.Map // userKey → struct{}: OnSignInNeeded already called
	links    *SignInLinks
	claims   sync.Map // flightKey → the claims challenge the next token request carries
}

// flightTimeout bounds one shared exchange, whoever waits for it.
const flightTimeout = 30 * time.Second

// NewBroker returns a broker. Options are checked; problems are
// flowdeck.ErrMisconfigured.
func NewBroker(o BrokerOptions) (*Broker, error) {
	authority, err := checkAuthority(o.Authority)
	switch {
	case err != nil:
		return nil, err
	case o.Registry == nil:
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the token broker needs the audience registry")
	case o.Store == nil:
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the token broker needs a token store")
	case o.ClientID == "":
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the client id is not set")
	case o.Credential.IsZero():
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the client credential (secret or certificate) is not set")
	case o.RefreshAhead < 0:
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: RefreshAhead is negative")
	}
	b := &Broker{
		auds:     o.Registry.All(),
		audIdx:   map[string]int{},
		store:    o.Store,
		now:      o.Now,
		log:      o.Logger,
		ahead:    o.RefreshAhead,
		onSignIn: o.OnSignInNeeded,
		metrics:  o.Metrics,
		links:    o.Links,
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.log == nil {
		b.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if b.ahead == 0 {
		b.ahead = 5 * time.Minute
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	b.tc = &tokenClient{authority: authority, clientID: o.ClientID, cred: o.Credential, hc: hc, now: b.now}
	for i, a := range b.auds {
		b.audIdx[a.Key] = i
	}
	b.cache = newTokenCache(len(b.auds))
	return b, nil
}

// checkAuthority returns the authority without a trailing slash.
func checkAuthority(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" {
		return "", flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the authority %q is not an https URL", raw)
	}
	return strings.TrimSuffix(raw, "/"), nil
}

// Token returns an access token for the user and the audience (a registry
// key: Flow, PowerApps, Graph). See Broker for where it comes from.
func (b *Broker) Token(ctx context.Context, p flowdeck.Principal, audience string) (string, error) {
	ai, err := b.audience(p, audience)
	if err != nil {
		return "", err
	}
	a := b.auds[ai]
	if tok, ok := b.cache.get(p.TenantID, p.UserID, ai, b.now().UnixNano()); ok {
		b.metrics.lookup(a.Key, true)
		return tok, nil
	}
	b.metrics.lookup(a.Key, false)
	assertion, _ := flowdeck.AssertionFrom(ctx)
	key := flightKey(p, a)
	if !assertion.IsZero() {
		// A caller with an assertion can do more than one without: never let
		// the latter's answer stand for the former.
		key += "|a"
	}
	return b.flight(ctx, key, func(ctx context.Context) (string, error) {
		return b.obtain(ctx, p, a, ai, assertion)
	})
}

// Exchange does the OBO exchange of assertion (the user's verified SSO token)
// for every audience and stores each result (the bot's sign-in). It returns
// each audience's outcome; the error is for bad arguments only.
func (b *Broker) Exchange(ctx context.Context, p flowdeck.Principal, assertion flowdeck.Assertion) (map[string]error, error) {
	if !p.Valid() {
		return nil, flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
	}
	if assertion.IsZero() {
		return nil, flowdeck.Errorf(flowdeck.ErrInvalid, "There is no sign-in token to exchange.")
	}
	return b.eachAudience(func(ai int, a Audience) error {
		_, err := b.flight(ctx, "x|"+flightKey(p, a), func(ctx context.Context) (string, error) {
			return b.obo(ctx, p, a, ai, assertion)
		})
		return err
	}), nil
}

// Status reports, per audience key, whether a token is available or
// obtainable for the user now (nil) or why not (a *flowdeck.Error:
// ErrConsentRequired with a consent URL, ErrInteractionRequired, …). It does
// what Token does, so it may exchange or refresh.
func (b *Broker) Status(ctx context.Context, p flowdeck.Principal) map[string]error {
	return b.eachAudience(func(_ int, a Audience) error {
		_, err := b.Token(ctx, p, a.Key)
		return err
	})
}

// SignOut deletes the user's stored and cached tokens.
func (b *Broker) SignOut(ctx context.Context, p flowdeck.Principal) error {
	if !p.Valid() {
		return flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
	}
	b.cache.deleteUser(p.TenantID, p.UserID)
	b.notified.Delete(notifyKey(p))
	if err := b.store.DeleteTokens(ctx, p.TenantID, p.UserID); err != nil {
		return fmt.Errorf("identity: sign out: %w", err)
	}
	b.log.LogAttrs(ctx, slog.LevelInfo, "identity: signed out", attrs(p, Audience{})...)
	return nil
}

func (b *Broker) eachAudience(f func(ai int, a Audience) error) map[string]error {
	out := make(map[string]error, len(b.auds))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for ai, a := range b.auds {
		wg.Go(func() {
			err := f(ai, a)
			mu.Lock()
			out[a.Key] = err
			mu.Unlock()
		})
	}
	wg.Wait()
	return out
}

func (b *Broker) audience(p flowdeck.Principal, key string) (int, error) {
	if !p.Valid() {
		return 0, flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
	}
	ai, ok := b.audIdx[key]
	if !ok {
		return 0, flowdeck.Errorf(flowdeck.ErrInvalid, "identity: unknown audience %q", key)
	}
	return ai, nil
}

func flightKey(p flowdeck.Principal, a Audience) string {
	return p.TenantID + "|" + p.UserID + "|" + a.Key
}

func notifyKey(p flowdeck.Principal) userKey {
	return userKey{tenant: strings.ToLower(p.TenantID), user: strings.ToLower(p.UserID)}
}

// flight runs fn once for all concurrent callers of key. The shared work is
// not cancelled by the first caller leaving; each caller stops waiting when
// its own context ends.
func (b *Broker) flight(ctx context.Context, key string, fn func(context.Context) (string, error)) (string, error) {
	ch := b.sf.DoChan(key, func() (any, error) {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flightTimeout)
		defer cancel()
		return fn(wctx)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(string), nil
	case <-ctx.Done():
		return "", flowdeck.Wrap(flowdeck.ErrUnavailable, ctx.Err(), "The request ended before a token was obtained.")
	}
}

// obtain is Token's slow path, run once per key at a time.
func (b *Broker) obtain(ctx context.Context, p flowdeck.Principal, a Audience, ai int, assertion flowdeck.Assertion) (string, error) {
	now := b.now()
	if tok, ok := b.cache.get(p.TenantID, p.UserID, ai, now.UnixNano()); ok {
		return tok, nil
	}
	st, err := b.store.GetToken(ctx, p.TenantID, p.UserID, a.Key)
	found := err == nil
	if err != nil && !errors.Is(err, flowdeck.ErrNotFound) {
		return "", fmt.Errorf("identity: read the stored %s token: %w", a.Key, err)
	}
	if found && st.AccessToken != "" && now.Before(st.ExpiresAt.Add(-b.ahead)) {
		b.cache.put(p.TenantID, p.UserID, ai, st.AccessToken, st.ExpiresAt.Add(-b.ahead).UnixNano())
		return st.AccessToken, nil
	}
	if found && st.RefreshToken != "" {
		tok, dead, rerr := b.refresh(ctx, p, a, ai, st.RefreshToken)
		switch {
		case rerr == nil:
			return tok, nil
		case dead:
			b.deadRefreshToken(ctx, p)
			if assertion.IsZero() {
				b.signInNeeded(ctx, p)
				return "", rerr
			}
		case errors.Is(rerr, flowdeck.ErrUnavailable) || errors.Is(rerr, flowdeck.ErrThrottled):
			if st.AccessToken != "" && now.Before(st.ExpiresAt) {
				b.log.LogAttrs(ctx, slog.LevelWarn, "identity: renewal failed; serving the current token until it expires",
					attrs(p, a, slog.Time("expires", st.ExpiresAt))...)
				return st.AccessToken, nil
			}
			return "", rerr
		case assertion.IsZero() || errors.Is(rerr, flowdeck.ErrMisconfigured):
			return "", rerr
		}
		// Consent or MFA trouble, or a dead refresh token, and the user is
		// here with a fresh SSO token: an exchange may still succeed.
	}
	if assertion.IsZero() {
		fe := &flowdeck.Error{
			Kind:    flowdeck.ErrInteractionRequired,
			Message: fmt.Sprintf("Sign in to FlowDeck to use %s.", a.Name),
			Detail:  map[string]string{"audience": a.Key, "audience_name": a.Name, "reason": "not_signed_in"},
		}
		b.addURLs(fe, p, a)
		return "", fe
	}
	return b.obo(ctx, p, a, ai, assertion)
}

// save stores a token response (keeping prevRT when Entra sent no new
// refresh token), caches the access token and returns it. A store failure is
// logged, not returned: the caller still gets its token.
func (b *Broker) save(ctx context.Context, p flowdeck.Principal, a Audience, ai int, tr tokenResponse, prevRT string) (string, error) {
	exp := tr.expiresAt(b.now())
	rt := tr.RefreshToken
	if rt == "" {
		rt = prevRT
	}
	err := b.store.PutToken(ctx, flowdeck.DelegatedToken{
		TenantID: p.TenantID, UserID: p.UserID, Audience: a.Key,
		AccessToken: tr.AccessToken, RefreshToken: rt,
		Scopes: strings.Fields(tr.Scope), ExpiresAt: exp,
	})
	if err != nil {
		b.log.LogAttrs(ctx, slog.LevelError, "identity: store token", attrs(p, a, slog.Any("err", err))...)
	}
	b.cache.put(p.TenantID, p.UserID, ai, tr.AccessToken, exp.Add(-b.ahead).UnixNano())
	b.notified.Delete(notifyKey(p))
	return tr.AccessToken, nil
}

// addURLs adds the consent or sign-in URL to a consent or interaction error
// when the broker has sign-in links; a consent only an administrator can
// give gets the tenant's admin-consent link instead of the user's consent page.
func (b *Broker) addURLs(fe *flowdeck.Error, p flowdeck.Principal, a Audience) {
	c := b.links
	if c == nil || fe == nil || fe.Detail == nil {
		return
	}
	switch {
	case errors.Is(fe, flowdeck.ErrConsentRequired) && fe.Detail[flowdeck.DetailAdminRequired] == "true":
		fe.Detail[flowdeck.DetailAdminConsentURL] = c.AdminConsentURL(p.TenantID)
	case errors.Is(fe, flowdeck.ErrConsentRequired):
		if u, err := c.StartURL(p, p.UPN, []string{a.Key}, "consent"); err == nil {
			fe.Detail[flowdeck.DetailConsentURL] = u
		}
	case errors.Is(fe, flowdeck.ErrInteractionRequired):
		if u, err := c.StartURLWithClaims(p, p.UPN, []string{a.Key}, "", b.challenge(fe, p, a)); err == nil {
			fe.Detail[flowdeck.DetailSignInURL] = u
		}
	}
}

func (b *Broker) logFailure(ctx context.Context, op string, p flowdeck.Principal, a Audience, fe *flowdeck.Error) {
	level := slog.LevelInfo
	switch flowdeck.KindOf(fe) {
	case flowdeck.ErrUnavailable, flowdeck.ErrThrottled, flowdeck.ErrMisconfigured, flowdeck.ErrInternal:
		level = slog.LevelWarn
	}
	b.log.LogAttrs(ctx, level, "identity: "+op+" failed",
		attrs(p, a, slog.String("kind", flowdeck.Code(fe)), slog.Any("err", fe.Err))...)
}

// attrs are the log attributes of a token operation: who and which audience,
// never a token.
func attrs(p flowdeck.Principal, a Audience, extra ...slog.Attr) []slog.Attr {
	out := make([]slog.Attr, 0, 3+len(extra))
	out = append(out, slog.String("tenant", p.TenantID), slog.String("user", p.UserID))
	if a.Key != "" {
		out = append(out, slog.String("audience", a.Key))
	}
	return append(out, extra...)
}
