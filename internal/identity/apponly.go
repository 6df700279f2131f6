package identity

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// BotFrameworkScope is the scope of the bot's app-only token for the Bot Connector.
const BotFrameworkScope = "https://api.botframework.com/.default"

// AppTokenOptions configure an AppTokenSource.
type AppTokenOptions struct {
	// Authority is the Entra host without a tenant, e.g. https://login.microsoftonline.com.
	Authority string
	// TenantID is the app's home tenant (single-tenant bot); required.
	TenantID string
	// ClientID and Credential are the app registration.
	ClientID   string
	Credential ClientCredential
	// HTTPClient is MSAL's HTTP client; default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Scope is the .default scope to ask for; default BotFrameworkScope.
	Scope string
	// APIName names the scope's API in messages; default "the Bot Framework".
	APIName string
	// Logger receives failures (never a token); default discards.
	Logger *slog.Logger
	// DisableInstanceDiscovery turns MSAL's instance discovery off: only for
	// an authority that is not a Microsoft cloud (the local fake).
	DisableInstanceDiscovery bool
}

// AppTokenSource hands out the app-only (client credentials) token, through
// MSAL for Go, which caches it and renews it before it expires.
type AppTokenSource struct {
	client confidential.Client
	scopes []string
	aud    Audience
	log    *slog.Logger
}

// NewAppTokenSource returns an app-only token source. Problems with the
// options are flowdeck.ErrMisconfigured.
func NewAppTokenSource(o AppTokenOptions) (*AppTokenSource, error) {
	authority, err := checkAuthority(o.Authority)
	if err != nil {
		return nil, err
	}
	if o.TenantID == "" || o.ClientID == "" {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "identity: the app-only token needs the tenant id and the client id")
	}
	cred, err := o.Credential.msal()
	if err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, err, "identity: the app-only token needs a client credential")
	}
	hc := o.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	opts := []confidential.Option{confidential.WithHTTPClient(hc)}
	if o.DisableInstanceDiscovery {
		opts = append(opts, confidential.WithInstanceDiscovery(false))
	}
	client, err := confidential.New(authority+"/"+o.TenantID, o.ClientID, cred, opts...)
	if err != nil {
		return nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, err, "identity: the app-only token client")
	}
	scope := o.Scope
	if scope == "" {
		scope = BotFrameworkScope
	}
	name := o.APIName
	if name == "" {
		name = "the Bot Framework"
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &AppTokenSource{client: client, scopes: []string{scope}, aud: Audience{Key: "app", Name: name, Resource: scope}, log: log}, nil
}

// Token returns the app-only access token, from MSAL's cache when it is
// still good. Failures are *flowdeck.Error values (ErrMisconfigured for a
// bad credential, ErrUnavailable when Entra cannot be reached, …).
func (s *AppTokenSource) Token(ctx context.Context) (string, error) {
	res, err := s.client.AcquireTokenByCredential(ctx, s.scopes)
	if err != nil {
		fe, _ := classify(msalError(err), grantClient, s.aud)
		s.log.LogAttrs(ctx, slog.LevelWarn, "identity: app-only token failed",
			slog.String("kind", flowdeck.Code(fe)), slog.Any("err", fe.Err))
		return "", fe
	}
	return res.AccessToken, nil
}
