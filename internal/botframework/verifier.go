package botframework

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/infracloudio/msbotbuilder-go/schema"
	"golang.org/x/time/rate"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Channel-token constants, as the Bot Framework SDKs define them.
const (
	// DefaultOpenIDMetadataURL is the Bot Framework channel's OpenID metadata.
	DefaultOpenIDMetadataURL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
	// ChannelIssuer is the issuer of the public cloud's channel tokens.
	ChannelIssuer = "https://api.botframework.com"
	// DefaultEntraAuthority is the Entra host of the tenant issuers' metadata.
	DefaultEntraAuthority = "https://login.microsoftonline.com"
	// ClockSkew is the leeway on exp, nbf and iat.
	ClockSkew = 5 * time.Minute
	// MaxTokenBytes is the largest token Verify parses.
	MaxTokenBytes = 16 << 10

	defaultRefreshEvery = 24 * time.Hour
	defaultUnknownKID   = 5 * time.Minute
	defaultFetchTimeout = 5 * time.Second
)

var allowedAlgs = []string{"RS256", "RS384", "RS512"}

// VerifierOptions configure a ChannelVerifier.
type VerifierOptions struct {
	// AppID is the bot's app id: the audience of channel tokens. Required.
	AppID string
	// OpenIDMetadataURL is the Bot Framework metadata (the keys of
	// ChannelIssuer); default DefaultOpenIDMetadataURL.
	OpenIDMetadataURL string
	// ChannelIssuer is the iss of tokens the Bot Framework signs with its own
	// keys in the bot's cloud (cloud.Cloud.BotChannelIssuer); default
	// ChannelIssuer. No other cloud's Bot Framework issuer is accepted.
	ChannelIssuer string
	// TenantID, when set, also accepts tokens issued by the bot's own tenant
	// and by ServiceTenants (EntraV1Issuer+{tid}+"/" and
	// EntraV2Issuer+{tid}+"/v2.0"), verified with the cloud's Entra keys
	// (TenantMetadataURL), as the Agents SDK does for single-tenant bots. A
	// tenant-issued token's tid must be the issuer's tenant. Entra keys carry
	// no endorsements.
	TenantID string
	// ServiceTenants are the Microsoft service tenants accepted besides
	// TenantID (cloud.Cloud.BotServiceTenants); only with TenantID.
	ServiceTenants []string
	// EntraV1Issuer and EntraV2Issuer are the cloud's Entra issuer prefixes;
	// default DefaultEntraV1Issuer and DefaultEntraV2Issuer.
	EntraV1Issuer, EntraV2Issuer string
	// TenantMetadataURL is the tenant's OpenID metadata; default
	// {DefaultEntraAuthority}/{TenantID}/v2.0/.well-known/openid-configuration.
	TenantMetadataURL string
	// ServiceURLHosts, when not empty, are the only hosts an activity's
	// serviceUrl may name (cloud.Cloud.BotServiceURLHosts): any other is
	// refused (403), whichever token it came with.
	ServiceURLHosts []string
	// HTTPClient fetches metadata and keys; default a client with a 10 s timeout.
	HTTPClient *http.Client
	// Now is the clock for token times and key refreshes; default time.Now.
	Now func() time.Time
	// RefreshInterval is the age at which the key set is refetched; default 24 h.
	RefreshInterval time.Duration
	// UnknownKIDInterval is the least time between two refetches caused by
	// unknown kids; default 5 min.
	UnknownKIDInterval time.Duration
	// FetchTimeout bounds one metadata+JWKS fetch; default 5 s.
	FetchTimeout time.Duration
	// Logger receives rejections (a reason, never the token); default discards.
	Logger *slog.Logger
}

// ChannelVerifier checks the channel token of an inbound activity. It is safe
// for concurrent use.
type ChannelVerifier struct {
	appID  string
	now    func() time.Time
	log    *slog.Logger
	bf     *keySource
	tenant *keySource
	iss    issuers
	hosts  serviceURLHosts
	parser *jwt.Parser
	// valid re-checks the claims of a cached token: the parser's checks
	// without the signature.
	valid *jwt.Validator
	cache tokenCache
}

// Claims is what a verified channel token says.
type Claims struct {
	// Issuer is the token's iss.
	Issuer string
	// AppID is the audience (the bot's app id).
	AppID string
	// ServiceURL is the serviceurl claim ("" when a tenant token has none).
	ServiceURL string
	// TenantID is the issuer's tenant of a tenant-issued token ("" for the
	// Bot Framework issuer).
	TenantID string
	// Endorsements are the channels the signing key is endorsed for (Bot
	// Framework keys only).
	Endorsements []string
	// ExpiresAt is the token's expiry.
	ExpiresAt time.Time
}

// NewChannelVerifier returns a verifier. Bad options are flowdeck.ErrMisconfigured.
func NewChannelVerifier(o VerifierOptions) (*ChannelVerifier, error) {
	if o.AppID == "" {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "botframework: the channel verifier needs the bot app id")
	}
	if o.OpenIDMetadataURL == "" {
		o.OpenIDMetadataURL = DefaultOpenIDMetadataURL
	}
	if o.ChannelIssuer == "" {
		o.ChannelIssuer = ChannelIssuer
	}
	if o.EntraV1Issuer == "" {
		o.EntraV1Issuer = DefaultEntraV1Issuer
	}
	if o.EntraV2Issuer == "" {
		o.EntraV2Issuer = DefaultEntraV2Issuer
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RefreshInterval <= 0 {
		o.RefreshInterval = defaultRefreshEvery
	}
	if o.UnknownKIDInterval <= 0 {
		o.UnknownKIDInterval = defaultUnknownKID
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = defaultFetchTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	newSource := func(url string) *keySource {
		return &keySource{
			metadataURL: url, hc: o.HTTPClient, now: o.Now,
			refreshEvery: o.RefreshInterval, fetchTimeout: o.FetchTimeout,
			unknownKID: rate.NewLimiter(rate.Every(o.UnknownKIDInterval), 1),
			log:        o.Logger,
		}
	}
	checks := []jwt.ParserOption{
		jwt.WithValidMethods(allowedAlgs),
		jwt.WithLeeway(ClockSkew),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithAudience(o.AppID),
		jwt.WithTimeFunc(o.Now),
	}
	v := &ChannelVerifier{
		appID: o.AppID, now: o.Now, log: o.Logger,
		bf:     newSource(o.OpenIDMetadataURL),
		iss:    issuers{channel: o.ChannelIssuer, v1: o.EntraV1Issuer, v2: o.EntraV2Issuer},
		hosts:  newServiceURLHosts(o.ServiceURLHosts),
		parser: jwt.NewParser(checks...),
		valid:  jwt.NewValidator(checks...),
	}
	if o.TenantID != "" {
		url := o.TenantMetadataURL
		if url == "" {
			url = DefaultEntraAuthority + "/" + o.TenantID + "/v2.0/.well-known/openid-configuration"
		}
		v.tenant = newSource(url)
		v.iss.tenants = append(v.iss.tenants, strings.ToLower(o.TenantID))
		for _, t := range o.ServiceTenants {
			v.iss.tenants = append(v.iss.tenants, strings.ToLower(t))
		}
	}
	return v, nil
}

// channelClaims are the claims a channel token carries.
type channelClaims struct {
	jwt.RegisteredClaims
	ServiceURL string `json:"serviceurl"`
	TenantID   string `json:"tid"`
}

// Verify checks authorization (the whole Authorization header) against the
// activity a. Failures are *flowdeck.Error values: ErrUnauthenticated for a
// missing, malformed, forged or expired token (HTTP 401), ErrForbidden when
// the signing key is not endorsed for a.ChannelID or a.ServiceURL is not on
// an accepted host (HTTP 403), ErrUnavailable
// when the keys cannot be fetched (HTTP 503). The channel sends the same
// token with every activity for most of its hour: a token whose signature
// checked out is remembered with its key, and for as long as the key set
// still holds that key only its times, audience, serviceurl claim and
// endorsements are checked again.
func (v *ChannelVerifier) Verify(ctx context.Context, authorization string, a *schema.Activity) (Claims, error) {
	scheme, raw, ok := strings.Cut(authorization, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return Claims{}, v.reject(ctx, a, flowdeck.ErrUnauthenticated, "no bearer token", nil)
	}
	if len(raw) > MaxTokenBytes {
		return Claims{}, v.reject(ctx, a, flowdeck.ErrUnauthenticated, "token too large", nil)
	}
	c, key, isBF, ok := v.cached(ctx, raw)
	if !ok {
		var err error
		if c, key, isBF, err = v.parse(ctx, raw, a); err != nil {
			return Claims{}, err
		}
	}
	if isBF {
		// botbuilder compares the claim case-insensitively
		// (microsoft/botbuilder-dotnet libraries/Microsoft.Bot.Connector/
		// Authentication/ChannelValidation.cs, AuthenticateChannelToken).
		if c.ServiceURL == "" || !strings.EqualFold(c.ServiceURL, a.ServiceURL) {
			return Claims{}, v.reject(ctx, a, flowdeck.ErrUnauthenticated, "serviceurl claim does not match the activity", nil)
		}
		if len(key.endorsements) == 0 {
			return Claims{}, v.reject(ctx, a, flowdeck.ErrForbidden, "signing key has no endorsements", nil)
		}
		if a.ChannelID == "" || !slices.Contains(key.endorsements, a.ChannelID) {
			return Claims{}, v.reject(ctx, a, flowdeck.ErrForbidden, "signing key not endorsed for the channel", nil)
		}
	} else if c.ServiceURL != "" && !strings.EqualFold(c.ServiceURL, a.ServiceURL) {
		return Claims{}, v.reject(ctx, a, flowdeck.ErrUnauthenticated, "serviceurl claim does not match the activity", nil)
	}
	if !v.hosts.allows(a.ServiceURL) {
		return Claims{}, v.reject(ctx, a, flowdeck.ErrForbidden, "serviceUrl host not accepted in this cloud", nil)
	}
	out := Claims{Issuer: c.Issuer, AppID: v.appID, ServiceURL: c.ServiceURL, Endorsements: key.endorsements}
	if !isBF {
		out.TenantID = strings.ToLower(c.TenantID)
	}
	if c.ExpiresAt != nil {
		out.ExpiresAt = c.ExpiresAt.Time
	}
	return out, nil
}

// Authenticate implements Authenticator: Verify, and the caller read from
// the activity, Authenticated.
func (v *ChannelVerifier) Authenticate(ctx context.Context, authorization string, a *schema.Activity) (Caller, Claims, error) {
	claims, err := v.Verify(ctx, authorization, a)
	if err != nil {
		return Caller{}, Claims{}, err
	}
	c := CallerOf(a)
	c.Authenticated = true
	return c, claims, nil
}

// cached returns the claims and key of raw when its signature was verified
// before with the key its kid still names, and its claims (times, audience)
// still hold now. Otherwise Verify checks it in full.
func (v *ChannelVerifier) cached(ctx context.Context, raw string) (channelClaims, signingKey, bool, bool) {
	e, ok := v.cache.get(raw)
	if !ok {
		return channelClaims{}, signingKey{}, false, false
	}
	k, err := e.src.lookup(ctx, e.kid)
	if err != nil || k.pub != e.pub || v.valid.Validate(&e.claims) != nil {
		return channelClaims{}, signingKey{}, false, false
	}
	return e.claims, k, e.isBF, true
}

// parse verifies raw's signature with the key of its issuer and kid, and its
// claims, and remembers it when it checks out.
func (v *ChannelVerifier) parse(ctx context.Context, raw string, a *schema.Activity) (channelClaims, signingKey, bool, error) {
	var (
		c       channelClaims
		key     signingKey
		kid     string
		src     *keySource
		isBF    bool
		keyErr  error
		keyfunc = func(t *jwt.Token) (any, error) {
			if !slices.Contains(allowedAlgs, t.Method.Alg()) {
				return nil, errors.New("signing method not allowed")
			}
			kid, _ = t.Header["kid"].(string)
			if kid == "" {
				return nil, errors.New("no kid")
			}
			switch {
			case c.Issuer == v.iss.channel:
				src, isBF = v.bf, true
			case v.tenant != nil:
				tid, ok := v.iss.tenantOf(c.Issuer)
				if !ok {
					return nil, errors.New("issuer not accepted")
				}
				// The issuer's tenant is the token's tid: Entra keys are
				// shared by every tenant of a cloud (microsoft/Agents-for-js
				// packages/agents-hosting/src/auth/jwt-middleware.ts,
				// validateTenantBinding; Agents-for-net AspNetExtensions.cs,
				// IsTenantIdIssuerValid). A token without tid is refused.
				if !strings.EqualFold(c.TenantID, tid) {
					return nil, errors.New("tid is not the issuer's tenant")
				}
				src = v.tenant
			default:
				return nil, errors.New("issuer not accepted")
			}
			k, err := src.lookup(ctx, kid)
			if err != nil {
				keyErr = err
				return nil, err
			}
			key = k
			return k.pub, nil
		}
	)
	if _, err := v.parser.ParseWithClaims(raw, &c, keyfunc); err != nil {
		if keyErr != nil && !errors.Is(keyErr, errUnknownKID) {
			return c, key, false, v.reject(ctx, a, flowdeck.ErrUnavailable, "signing keys unavailable", keyErr)
		}
		return c, key, false, v.reject(ctx, a, flowdeck.ErrUnauthenticated, "invalid token", err)
	}
	if key.pub == nil {
		return c, key, false, v.reject(ctx, a, flowdeck.ErrUnauthenticated, "no signing key", nil)
	}
	v.cache.put(raw, &verifiedToken{claims: c, src: src, kid: kid, pub: key.pub, isBF: isBF})
	return c, key, isBF, nil
}

func (v *ChannelVerifier) reject(ctx context.Context, a *schema.Activity, kind error, reason string, cause error) error {
	attrs := []slog.Attr{slog.String("reason", reason)}
	if a != nil {
		attrs = append(attrs, slog.String("activity_type", string(a.Type)), slog.String("activity_id", a.ID),
			slog.String("channel_id", a.ChannelID))
	}
	if cause != nil {
		attrs = append(attrs, slog.String("cause", cause.Error()))
	}
	v.log.LogAttrs(ctx, slog.LevelInfo, "botframework: channel token rejected", attrs...)
	msg := "The channel token is not valid."
	switch kind {
	case flowdeck.ErrForbidden:
		msg = "The channel token's key is not endorsed for this channel."
		if strings.HasPrefix(reason, "serviceUrl") {
			msg = "The activity's serviceUrl is not a Teams host of this cloud."
		}
	case flowdeck.ErrUnavailable:
		msg = "The Bot Framework signing keys cannot be fetched."
	}
	return &flowdeck.Error{Kind: kind, Message: msg, Err: errors.New(reason)}
}
