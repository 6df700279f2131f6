package identity

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Verifier limits and defaults.
const (
	// MaxTokenBytes is the largest token Verify parses; Entra SSO tokens are
	// 1.5–3 KiB, and anything larger is rejected before any decoding.
	MaxTokenBytes = 16 << 10
	// DefaultScope is the delegated scope a Teams SSO token must carry.
	DefaultScope = "access_as_user"
	// Leeway is the clock skew allowed on exp, nbf and iat.
	Leeway = 5 * time.Minute

	defaultRefreshInterval   = time.Hour
	defaultRefreshUnknownKID = 5 * time.Minute
	defaultRefreshWaitMax    = time.Second
	defaultHTTPTimeout       = 10 * time.Second
)

// VerifierOptions configure a Verifier.
type VerifierOptions struct {
	// JWKSURL is Entra's key set, e.g.
	// https://login.microsoftonline.com/common/discovery/v2.0/keys. Required.
	JWKSURL string
	// HTTPClient fetches the key set; nil means http.DefaultClient.
	HTTPClient *http.Client
	// ClientID is our application (client) id: the v2 audience. Required.
	ClientID string
	// AppIDURI is our Application ID URI: the v1 audience. api://botid-<ClientID>
	// (the bot's OAuth connection) is always accepted as well.
	AppIDURI string
	// AllowedTenants lists the tenant ids whose users may sign in; ["*"] means
	// any tenant. Required: an empty list is a configuration error.
	AllowedTenants []string
	// AllowedClientApps lists the clients (azp/appid) that may present a
	// token; nil means DefaultClientApps().
	AllowedClientApps []string
	// Issuers are the cloud's issuer prefixes; the zero value means the public cloud.
	Issuers Issuers
	// RequiredScope must be among scp; "" means DefaultScope.
	RequiredScope string
	// Now is the clock for exp, nbf and iat; nil means time.Now.
	Now func() time.Time
	// Logger receives rejections (with a fixed reason, never the token) and
	// key-set refresh failures; nil discards.
	Logger *slog.Logger
	// RefreshInterval is the background refresh period of the key set; 0 means 1 hour.
	RefreshInterval time.Duration
	// RefreshUnknownKID is the least time between two key-set refreshes
	// triggered by a token with an unknown kid (key rotation); 0 means 5 minutes.
	RefreshUnknownKID time.Duration
	// RefreshWaitMax bounds how long one Verify may wait for that rate limit
	// and the refresh itself; 0 means 1 second. A request that would wait
	// longer fails at once, so a flood of bogus kids cannot stall requests.
	RefreshWaitMax time.Duration
}

// Verifier verifies Teams SSO tokens (the tab's getAuthToken, the bot's
// token exchange): Entra access tokens for FlowDeck's own API. It is safe
// for concurrent use.
type Verifier struct {
	log     *slog.Logger
	kf      keyfunc.Keyfunc
	parser  *jwt.Parser
	pol     verifyPolicy
	tenants flowdeck.Tenants
	cancel  context.CancelFunc
}

// NewVerifier fetches the key set once (a failure is logged, not returned:
// the unknown-kid refresh retries) and starts its background refresh, which
// stops when ctx ends or Close is called. It fails when o is incomplete.
func NewVerifier(ctx context.Context, o VerifierOptions) (*Verifier, error) {
	if o.JWKSURL == "" || o.ClientID == "" {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: verifier needs a JWKS URL and a client id")
	}
	if len(o.AllowedTenants) == 0 {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: verifier needs allowed tenants (\"*\" for any)")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RequiredScope == "" {
		o.RequiredScope = DefaultScope
	}
	if o.AllowedClientApps == nil {
		o.AllowedClientApps = DefaultClientApps()
	}
	if o.Issuers == (Issuers{}) {
		o.Issuers, _ = CloudIssuers("public")
	}
	if o.RefreshInterval <= 0 {
		o.RefreshInterval = defaultRefreshInterval
	}
	if o.RefreshUnknownKID <= 0 {
		o.RefreshUnknownKID = defaultRefreshUnknownKID
	}
	if o.RefreshWaitMax <= 0 {
		o.RefreshWaitMax = defaultRefreshWaitMax
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}

	v := &Verifier{
		log:     o.Logger,
		tenants: flowdeck.NewTenants(o.AllowedTenants),
		pol: verifyPolicy{
			issuers:    o.Issuers,
			scope:      o.RequiredScope,
			clientApps: map[string]bool{},
		},
	}
	for _, a := range o.AllowedClientApps {
		v.pol.clientApps[strings.ToLower(a)] = true
	}
	auds := []string{o.ClientID, "api://botid-" + o.ClientID}
	if o.AppIDURI != "" {
		auds = append(auds, o.AppIDURI)
	}
	v.parser = jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithLeeway(Leeway),
		jwt.WithAudience(auds...),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithTimeFunc(o.Now),
		jwt.WithStrictDecoding(),
	)

	kctx, cancel := context.WithCancel(ctx)
	kf, err := keyfunc.NewDefaultOverrideCtx(kctx, []string{o.JWKSURL}, keyfunc.Override{
		Client:            o.HTTPClient,
		HTTPTimeout:       defaultHTTPTimeout,
		RefreshInterval:   o.RefreshInterval,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(o.RefreshUnknownKID), 1),
		RateLimitWaitMax:  o.RefreshWaitMax,
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(ctx context.Context, err error) {
				v.log.LogAttrs(ctx, slog.LevelWarn, "identity: key set refresh failed",
					slog.String("url", u), slog.String("error", err.Error()))
			}
		},
	})
	if err != nil {
		cancel()
		return nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, err, "identity: the token key set cannot be used")
	}
	v.kf, v.cancel = kf, cancel
	return v, nil
}

// Close stops the background key-set refresh. Verify keeps working with the
// keys already fetched.
func (v *Verifier) Close() { v.cancel() }

// Verify checks a raw Teams SSO token (without "Bearer ") and returns the
// user it names and its claims.
//
// Errors: flowdeck.ErrUnauthenticated for any token that is malformed,
// forged, expired, for another audience or client, or lacks the scope — the
// caller should get a new token; flowdeck.ErrForbidden for a valid token of a
// tenant that is not allowed — a new token would not help. Neither error's
// text contains anything of the token.
func (v *Verifier) Verify(ctx context.Context, raw string) (flowdeck.Principal, Claims, error) {
	if len(raw) > MaxTokenBytes {
		return v.reject(ctx, errTokenTooLarge, nil)
	}
	if !wellFormed(raw) {
		return v.reject(ctx, errTokenMalformed, nil)
	}
	wc := &wireClaims{pol: &v.pol}
	var keyed bool // the parser got past the alg allow-list to the key lookup
	if _, err := v.parser.ParseWithClaims(raw, wc, v.keyfunc(ctx, &keyed)); err != nil {
		var signed *wireClaims
		if errors.Is(err, jwt.ErrTokenInvalidClaims) && !errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			signed = wc // the signature was good: its claims are Entra's, safe to log
		}
		return v.reject(ctx, rejectReason(err, keyed), signed)
	}
	c := wc.export()
	if !v.tenants.Allows(c.TenantID) {
		v.log.LogAttrs(ctx, slog.LevelInfo, "identity: tenant not allowed",
			slog.String("tid", c.TenantID), slog.String("oid", c.ObjectID), slog.String("azp", c.ClientAppID))
		return flowdeck.Principal{}, Claims{}, flowdeck.Wrap(flowdeck.ErrForbidden, errTenantNotAllowed,
			"FlowDeck is not enabled for your organization. Ask your administrator to set it up.")
	}
	p := flowdeck.Principal{TenantID: c.TenantID, UserID: c.ObjectID, Name: c.Name, UPN: c.UPN}
	return p, c, nil
}

// Principal is Verify without the claims: the adapter for consumers that
// only need the user (the server's TokenVerifier port).
func (v *Verifier) Principal(ctx context.Context, raw string) (flowdeck.Principal, error) {
	p, _, err := v.Verify(ctx, raw)
	return p, err
}

// keyfunc resolves the token's kid through the key set, refreshing it
// (rate-limited) on an unknown kid. A token without a kid is refused, where
// keyfunc would otherwise try every key.
func (v *Verifier) keyfunc(ctx context.Context, called *bool) jwt.Keyfunc {
	inner := v.kf.KeyfuncCtx(ctx)
	return func(t *jwt.Token) (any, error) {
		*called = true
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errNoKeyID
		}
		k, err := inner(t)
		if err != nil {
			return nil, errUnknownKID // the library's text quotes the kid: keep it out
		}
		return k, nil
	}
}

// reject logs a rejection with its fixed reason (and, for a token whose
// signature was good, its tid/oid/azp) and returns the ErrUnauthenticated error.
func (v *Verifier) reject(ctx context.Context, why error, signed *wireClaims) (flowdeck.Principal, Claims, error) {
	attrs := []slog.Attr{slog.String("reason", why.Error())}
	if signed != nil {
		c := signed.export()
		attrs = append(attrs, slog.String("tid", c.TenantID), slog.String("oid", c.ObjectID),
			slog.String("azp", c.ClientAppID))
	}
	v.log.LogAttrs(ctx, slog.LevelDebug, "identity: token rejected", attrs...)
	return flowdeck.Principal{}, Claims{}, flowdeck.Wrap(flowdeck.ErrUnauthenticated, why,
		"Your sign-in could not be verified. Sign in again.")
}

// reason maps a jwt error to one of the fixed rejection reasons. keyed
// tells a signature error from an algorithm outside the allow-list, which
// golang-jwt reports as a signature error before it looks up any key.
func rejectReason(err error, keyed bool) error {
	for _, r := range []error{errDuplicateClaim, errNoKeyID, errUnknownKID, errTokenNoExp, errTokenAudience, errTokenNoTenant, errTokenNoOID,
		errTokenAppOnly, errTokenIssuer, errTokenScope, errTokenClientApp} {
		if errors.Is(err, r) {
			return r
		}
	}
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return errTokenMalformed
	case errors.Is(err, jwt.ErrTokenUnverifiable), errors.Is(err, jwt.ErrTokenSignatureInvalid) && !keyed:
		return errTokenAlg
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return errTokenSignature
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return errTokenNoExp
	case errors.Is(err, jwt.ErrTokenExpired):
		return errTokenExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return errTokenNotYetValid
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return errTokenIssuedFuture
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return errTokenAudience
	}
	return errTokenInvalid
}

// base64URL marks the bytes of the base64url alphabet.
var base64URL = func() (t [256]bool) {
	for _, b := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
		t[b] = true
	}
	return t
}()

// wellFormed reports whether raw is three non-empty base64url segments, so
// that whitespace, a left-in "Bearer " or any other byte never reach the parser.
func wellFormed(raw string) bool {
	dots := 0
	prev := byte('.')
	for i := 0; i < len(raw); i++ {
		b := raw[i]
		if b == '.' {
			if prev == '.' {
				return false
			}
			dots++
		} else if !base64URL[b] {
			return false
		}
		prev = b
	}
	return dots == 2 && prev != '.'
}
