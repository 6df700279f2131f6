// Package config reads FlowDeck's configuration from FLOWDECK_* environment
// variables (flags override them locally), validates it up front and reports
// every problem at once.
//
// The variables are a contract with operators: they are added, never renamed.
// One table (Vars) drives loading, validation, redaction, `--help`, and the
// configuration tables in README.md and docs/configuration.md, which a test
// keeps in step. Only cmd/flowdeck imports this package.
package config

import (
	"log/slog"
	"net/netip"
	"net/url"
	"time"
)

// Mode is the command the configuration is loaded for.
type Mode int

const (
	// Serve is production: the tenant, app registration and encryption key are required.
	Serve Mode = iota
	// Dev runs on the local cloud: `flowdeck dev` supplies the tenant, app and key itself.
	Dev
	// Manifest builds the Teams app package: it needs the public URL and the client id only.
	Manifest
)

// Config is FlowDeck's whole configuration.
type Config struct {
	// Listen is the address the HTTP server listens on.
	Listen string
	// PublicURL is the public base URL; its host is the tab domain.
	PublicURL *url.URL
	// Cloud is the Microsoft cloud: "public", "gcc", "gcchigh", "dod" or "china".
	Cloud string
	// TenantID is the home tenant, which is also the bot's tenant.
	TenantID string
	// AllowedTenants are the tenants whose users may sign in; ["*"] allows any.
	AllowedTenants []string
	// ClientID is the Entra application id, which is also the bot's app id.
	ClientID string
	// TeamsCatalogAppID is FlowDeck's id in the organisation's Teams app
	// catalog (FLOWDECK_TEAMS_CATALOG_APP_ID); empty, FlowDeck never installs
	// itself for a user.
	TeamsCatalogAppID string
	// ClientSecret is the application's client secret (or empty with ClientCertFile).
	ClientSecret string
	// ClientCertFile is a PEM file with the application's certificate and private key.
	ClientCertFile string
	// AppIDURI is the Application ID URI, the audience of Teams SSO tokens.
	AppIDURI string
	// AuthorityURL is the Entra authority host, without a tenant.
	AuthorityURL *url.URL
	// BotOpenIDMetadataURL is the OpenID metadata of Bot Framework channel tokens.
	BotOpenIDMetadataURL *url.URL
	// BotServiceURLHosts are the hosts of the serviceUrls the bot accepts and
	// sends its token to; by cloud (cloud.Cloud.BotServiceURLHosts).
	BotServiceURLHosts []string
	// FlowAPIURL, PowerAppsAPIURL, BAPAPIURL and GraphAPIURL are the upstream base URLs.
	FlowAPIURL      *url.URL
	PowerAppsAPIURL *url.URL
	BAPAPIURL       *url.URL
	GraphAPIURL     *url.URL
	// FlowAudience, PowerAppsAudience and GraphAudience override the cloud's
	// token audiences; empty means the cloud's default (see the identity registry).
	FlowAudience      string
	PowerAppsAudience string
	GraphAudience     string
	// CAFile holds extra CA certificates (PEM) trusted for outbound TLS.
	CAFile string
	// DataDir holds the embedded database and, under `flowdeck dev`, the generated key.
	DataDir string
	// DatabaseURL is a SQLite file path or a postgres:// URL.
	DatabaseURL string
	// EncryptionKey is the 32-byte AES-256 key that seals tokens at rest.
	EncryptionKey []byte
	// EncryptionOldKeys are earlier keys, still accepted for reading during rotation.
	EncryptionOldKeys [][]byte
	// LogLevel is the minimum level logged.
	LogLevel slog.Level
	// LogFormat is "json" or "text".
	LogFormat string
	// LogIDs is "hashed" (default) or "plain": how logs show tenant and user ids.
	LogIDs string
	// MonitorInterval is the period of the background monitor's cycle.
	MonitorInterval time.Duration
	// MonitorShards is how many shards the monitor splits users into.
	MonitorShards int
	// MonitorIdleDays is how long a watched flow may not run before its
	// owner is told (0: never).
	MonitorIdleDays int
	// ApprovalReminder is how long an approval waits before a reminder (0: off).
	ApprovalReminder time.Duration
	// RequestTimeout bounds every inbound request.
	RequestTimeout time.Duration
	// UpstreamTimeout bounds each attempt of a call to Power Platform or Graph.
	UpstreamTimeout time.Duration
	// ShutdownTimeout bounds the drain of in-flight requests and background work.
	ShutdownTimeout time.Duration
	// TrustedProxies are the address ranges whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// RateLimitUser limits each signed-in user's tab API requests; zero is off.
	RateLimitUser RateLimit
	// RateLimitIP limits each client address's requests, before sign-in; zero is off.
	RateLimitIP RateLimit
}

// IsPostgres reports whether the store is PostgreSQL rather than embedded SQLite.
func (c Config) IsPostgres() bool { return isPostgresURL(c.DatabaseURL) }

// Authority returns the authority URL for a tenant, as MSAL for Go expects it.
func (c Config) Authority(tenantID string) string {
	return c.AuthorityURL.JoinPath(tenantID).String()
}
