package config

import (
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// Var describes one configuration variable.
type Var struct {
	// Name is the environment variable, e.g. FLOWDECK_LISTEN.
	Name string
	// Default is the value used when the variable is unset, as documentation shows it.
	Default string
	// Doc says what the variable means, in one line.
	Doc string
	// Secret marks values that are never printed.
	Secret bool
	// Required marks variables `flowdeck serve` cannot start without.
	Required bool
	set      func(l *loader, v string)
}

// Vars returns every configuration variable, in documentation order.
func Vars() []Var { return vars }

var vars = []Var{
	{Name: "FLOWDECK_LISTEN", Default: ":3978 (dev: 127.0.0.1:3978)", Doc: "Address the HTTP server listens on.",
		set: func(l *loader, v string) { l.c.Listen = l.listen("FLOWDECK_LISTEN", v) }},
	{Name: "FLOWDECK_PUBLIC_URL", Default: "—", Required: true, Doc: "Public base URL (https); its host is the tab domain and appears in the app package.",
		set: func(l *loader, v string) { l.c.PublicURL = l.url("FLOWDECK_PUBLIC_URL", v) }},
	{Name: "FLOWDECK_CLOUD", Default: "public", Doc: "Microsoft cloud: public, gcc, gcchigh, dod or china. Picks hosts and token audiences.",
		set: func(l *loader, v string) { l.c.Cloud = l.cloud(v) }},
	{Name: "FLOWDECK_TENANT_ID", Default: "—", Required: true, Doc: "Home tenant id (GUID); the bot's tenant.",
		set: func(l *loader, v string) { l.c.TenantID = l.guid("FLOWDECK_TENANT_ID", v) }},
	{Name: "FLOWDECK_ALLOWED_TENANTS", Default: "the home tenant", Doc: "Comma-separated tenant ids whose users may sign in, or * for any tenant.",
		set: func(l *loader, v string) { l.c.AllowedTenants = l.tenants(v) }},
	{Name: "FLOWDECK_CLIENT_ID", Default: "—", Required: true, Doc: "Entra application (client) id (GUID); also the bot's app id.",
		set: func(l *loader, v string) { l.c.ClientID = l.guid("FLOWDECK_CLIENT_ID", v) }},
	{Name: "FLOWDECK_CLIENT_SECRET", Default: "—", Secret: true, Doc: "Client secret of the Entra app (set this or FLOWDECK_CLIENT_CERT_FILE).",
		set: func(l *loader, v string) { l.c.ClientSecret = v }},
	{Name: "FLOWDECK_CLIENT_CERT_FILE", Default: "—", Doc: "PEM file holding the Entra app's certificate and RSA private key (instead of a secret).",
		set: func(l *loader, v string) { l.c.ClientCertFile = l.file("FLOWDECK_CLIENT_CERT_FILE", v) }},
	{Name: "FLOWDECK_APP_ID_URI", Default: "api://<public host>/botid-<client id>", Doc: "Application ID URI: the audience of Teams SSO tokens.",
		set: func(l *loader, v string) { l.c.AppIDURI = l.appIDURI(v) }},
	{Name: "FLOWDECK_AUTHORITY_URL", Default: "by cloud (https://login.microsoftonline.com)", Doc: "Entra authority host, without a tenant.",
		set: func(l *loader, v string) { l.c.AuthorityURL = l.url("FLOWDECK_AUTHORITY_URL", v) }},
	{Name: "FLOWDECK_BOT_OPENID_METADATA_URL", Default: "by cloud (https://login.botframework.com/v1/.well-known/openidconfiguration)", Doc: "OpenID metadata for Bot Framework channel tokens.",
		set: func(l *loader, v string) { l.c.BotOpenIDMetadataURL = l.url("FLOWDECK_BOT_OPENID_METADATA_URL", v) }},
	{Name: "FLOWDECK_BOT_SERVICE_URL_HOSTS", Default: "by cloud (smba.trafficmanager.net)", Doc: "Comma-separated hosts of the Teams serviceUrls the bot accepts activities from and sends its token to; others are refused.",
		set: func(l *loader, v string) { l.c.BotServiceURLHosts = l.hosts("FLOWDECK_BOT_SERVICE_URL_HOSTS", v) }},
	{Name: "FLOWDECK_FLOW_API_URL", Default: "by cloud (https://api.flow.microsoft.com)", Doc: "Power Automate API base URL (the token audience still comes from the registry).",
		set: func(l *loader, v string) { l.c.FlowAPIURL = l.url("FLOWDECK_FLOW_API_URL", v) }},
	{Name: "FLOWDECK_POWERAPPS_API_URL", Default: "by cloud (https://api.powerapps.com)", Doc: "Power Apps API base URL.",
		set: func(l *loader, v string) { l.c.PowerAppsAPIURL = l.url("FLOWDECK_POWERAPPS_API_URL", v) }},
	{Name: "FLOWDECK_BAP_API_URL", Default: "by cloud (https://api.bap.microsoft.com)", Doc: "Business Application Platform (environments) API base URL.",
		set: func(l *loader, v string) { l.c.BAPAPIURL = l.url("FLOWDECK_BAP_API_URL", v) }},
	{Name: "FLOWDECK_GRAPH_API_URL", Default: "by cloud (https://graph.microsoft.com)", Doc: "Microsoft Graph base URL.",
		set: func(l *loader, v string) { l.c.GraphAPIURL = l.url("FLOWDECK_GRAPH_API_URL", v) }},
	{Name: "FLOWDECK_FLOW_AUDIENCE", Default: "by cloud (https://service.flow.microsoft.com/)", Doc: "Token audience (resource) for the Power Automate API; override only if Microsoft changes it for your cloud.",
		set: func(l *loader, v string) { l.c.FlowAudience = l.audience("FLOWDECK_FLOW_AUDIENCE", v) }},
	{Name: "FLOWDECK_POWERAPPS_AUDIENCE", Default: "by cloud (https://service.powerapps.com/)", Doc: "Token audience for the Power Apps and BAP APIs.",
		set: func(l *loader, v string) { l.c.PowerAppsAudience = l.audience("FLOWDECK_POWERAPPS_AUDIENCE", v) }},
	{Name: "FLOWDECK_GRAPH_AUDIENCE", Default: "by cloud (https://graph.microsoft.com/)", Doc: "Token audience for Microsoft Graph.",
		set: func(l *loader, v string) { l.c.GraphAudience = l.audience("FLOWDECK_GRAPH_AUDIENCE", v) }},
	{Name: "FLOWDECK_CA_FILE", Default: "—", Doc: "Extra CA certificates (PEM) trusted for outbound TLS, added to the system pool.",
		set: func(l *loader, v string) { l.c.CAFile = l.file("FLOWDECK_CA_FILE", v) }},
	{Name: "FLOWDECK_DATA_DIR", Default: "./data", Doc: "Folder of the embedded database (and of the generated key under flowdeck dev).",
		set: func(l *loader, v string) { l.c.DataDir = v }},
	{Name: "FLOWDECK_DATABASE_URL", Default: "<data dir>/flowdeck.db", Secret: true, Doc: "The store: a SQLite file path, or a postgres:// URL for more than one replica (its password is redacted).",
		set: func(l *loader, v string) { l.c.DatabaseURL = l.database(v) }},
	{Name: "FLOWDECK_ENCRYPTION_KEY", Default: "—", Required: true, Secret: true, Doc: "32 random bytes, base64 (openssl rand -base64 32): encrypts tokens at rest.",
		set: func(l *loader, v string) { l.c.EncryptionKey = l.key("FLOWDECK_ENCRYPTION_KEY", v) }},
	{Name: "FLOWDECK_ENCRYPTION_OLD_KEYS", Default: "—", Secret: true, Doc: "Comma-separated earlier keys, still accepted for reading while rotating.",
		set: func(l *loader, v string) { l.c.EncryptionOldKeys = l.oldKeys(v) }},
	{Name: "FLOWDECK_LOG_LEVEL", Default: "info", Doc: "Minimum log level: debug, info, warn or error.",
		set: func(l *loader, v string) { l.c.LogLevel = l.level(v) }},
	{Name: "FLOWDECK_LOG_FORMAT", Default: "json (dev: text)", Doc: "Log format: json or text.",
		set: func(l *loader, v string) { l.c.LogFormat = l.oneOf("FLOWDECK_LOG_FORMAT", v, "json", "text") }},
	{Name: "FLOWDECK_LOG_IDS", Default: "hashed", Doc: "How logs show tenant and user ids: hashed (a keyed hash, the same for one id, no personal data) or plain.",
		set: func(l *loader, v string) { l.c.LogIDs = l.oneOf("FLOWDECK_LOG_IDS", v, "hashed", "plain") }},
	{Name: "FLOWDECK_MONITOR_INTERVAL", Default: "5m (dev: 1m)", Doc: "Period of the background monitor's cycle (30s to 24h).",
		set: func(l *loader, v string) {
			l.c.MonitorInterval = l.duration("FLOWDECK_MONITOR_INTERVAL", v, 30*time.Second, 24*time.Hour)
		}},
	{Name: "FLOWDECK_MONITOR_SHARDS", Default: "16", Doc: "How many shards the monitor splits users into; replicas share them out (1 to 1024; the same on every replica).",
		set: func(l *loader, v string) { l.c.MonitorShards = l.integer("FLOWDECK_MONITOR_SHARDS", v, 1, 1024) }},
	{Name: "FLOWDECK_MONITOR_IDLE_DAYS", Default: "7", Doc: "Tell owners about a watched flow that has not run for this many days (0 turns it off; at most 365).",
		set: func(l *loader, v string) { l.c.MonitorIdleDays = l.integer("FLOWDECK_MONITOR_IDLE_DAYS", v, 0, 365) }},
	{Name: "FLOWDECK_APPROVAL_REMINDER", Default: "off", Doc: "Remind approvers of an approval still pending after this long (1h to 720h), or off.",
		set: func(l *loader, v string) {
			if strings.EqualFold(v, "off") {
				l.c.ApprovalReminder = -1
				return
			}
			l.c.ApprovalReminder = l.duration("FLOWDECK_APPROVAL_REMINDER", v, time.Hour, 720*time.Hour)
		}},
	{Name: "FLOWDECK_REQUEST_TIMEOUT", Default: "30s", Doc: "Deadline of every inbound request (1s to 5m).",
		set: func(l *loader, v string) {
			l.c.RequestTimeout = l.duration("FLOWDECK_REQUEST_TIMEOUT", v, time.Second, 5*time.Minute)
		}},
	{Name: "FLOWDECK_UPSTREAM_TIMEOUT", Default: "30s", Doc: "Deadline of each call to Power Platform and Graph, per attempt (1s to 2m); a bot command gets three times this.",
		set: func(l *loader, v string) {
			l.c.UpstreamTimeout = l.duration("FLOWDECK_UPSTREAM_TIMEOUT", v, time.Second, 2*time.Minute)
		}},
	{Name: "FLOWDECK_SHUTDOWN_TIMEOUT", Default: "20s", Doc: "How long a stopping server drains requests and background work (1s to 5m).",
		set: func(l *loader, v string) {
			l.c.ShutdownTimeout = l.duration("FLOWDECK_SHUTDOWN_TIMEOUT", v, time.Second, 5*time.Minute)
		}},
	{Name: "FLOWDECK_TRUSTED_PROXIES", Default: "— (use the peer address)", Doc: "Comma-separated CIDR ranges of reverse proxies whose X-Forwarded-For is believed.",
		set: func(l *loader, v string) { l.c.TrustedProxies = l.prefixes(v) }},
	{Name: "FLOWDECK_RATE_LIMIT_USER", Default: "10/s burst 40", Doc: "Requests each signed-in user may make to the tab API, as N/s, N/m or N/h plus a burst (10/s burst 40), or off. Over it: 429 with Retry-After.",
		set: func(l *loader, v string) { l.c.RateLimitUser = l.rateLimit("FLOWDECK_RATE_LIMIT_USER", v) }},
	{Name: "FLOWDECK_RATE_LIMIT_IP", Default: "100/s burst 500", Doc: "Requests each client address may make, checked before sign-in (the bot endpoint, health and metrics are exempt); same syntax, or off. Generous: a NAT can hide thousands of users.",
		set: func(l *loader, v string) { l.c.RateLimitIP = l.rateLimit("FLOWDECK_RATE_LIMIT_IP", v) }},
	{Name: "FLOWDECK_TEAMS_CATALOG_APP_ID", Default: "— (no self-install)", Doc: "The id your Teams app catalog gave FlowDeck (GUID; Teams admin center, or Graph appCatalogs/teamsApps, not the manifest id). With the optional Graph permission TeamsAppInstallation.ReadWriteSelfForUser granted, FlowDeck installs itself for tab users who never opened its chat, so alerts reach them.",
		set: func(l *loader, v string) { l.c.TeamsCatalogAppID = l.guid("FLOWDECK_TEAMS_CATALOG_APP_ID", v) }},
}

// defaults fills what was left unset, once everything explicit has been read.
func (l *loader) defaults() {
	c := &l.c
	if c.Listen == "" {
		c.Listen = ":3978"
		if l.mode == Dev {
			c.Listen = "127.0.0.1:3978"
		}
	}
	if c.Cloud == "" {
		c.Cloud = "public"
	}
	cl, ok := cloud.Get(c.Cloud)
	if ok {
		def := func(u **urlT, s string) {
			if *u == nil {
				*u = mustURL(s)
			}
		}
		def(&c.AuthorityURL, cl.Authority)
		def(&c.BotOpenIDMetadataURL, cl.BotOpenIDMetadata)
		if len(c.BotServiceURLHosts) == 0 {
			c.BotServiceURLHosts = cl.BotServiceURLHosts
		}
		def(&c.FlowAPIURL, cl.FlowAPI)
		def(&c.PowerAppsAPIURL, cl.PowerAppsAPI)
		def(&c.BAPAPIURL, cl.BAPAPI)
		def(&c.GraphAPIURL, cl.GraphAPI)
	}
	if len(c.AllowedTenants) == 0 && c.TenantID != "" {
		c.AllowedTenants = []string{c.TenantID}
	}
	if c.AppIDURI == "" && c.PublicURL != nil && c.ClientID != "" {
		c.AppIDURI = fmt.Sprintf("api://%s/botid-%s", c.PublicURL.Host, c.ClientID)
	}
	if c.DataDir == "" {
		c.DataDir = "./data"
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = strings.TrimSuffix(c.DataDir, "/") + "/flowdeck.db"
	}
	if c.LogFormat == "" {
		c.LogFormat = "json"
		if l.mode == Dev {
			c.LogFormat = "text"
		}
	}
	if !l.seen["FLOWDECK_LOG_LEVEL"] {
		c.LogLevel = slog.LevelInfo
	}
	if c.LogIDs == "" {
		c.LogIDs = "hashed"
	}
	if c.MonitorInterval == 0 {
		c.MonitorInterval = 5 * time.Minute
		if l.mode == Dev {
			c.MonitorInterval = time.Minute // the demo shows alerts soon
		}
	}
	if c.MonitorShards == 0 {
		c.MonitorShards = 16
	}
	if !l.seen["FLOWDECK_MONITOR_IDLE_DAYS"] {
		c.MonitorIdleDays = 7
	}
	if c.ApprovalReminder < 0 {
		c.ApprovalReminder = 0
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = 30 * time.Second
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 20 * time.Second
	}
	if c.UpstreamTimeout == 0 {
		c.UpstreamTimeout = 30 * time.Second
	}
	if !l.seen["FLOWDECK_RATE_LIMIT_USER"] {
		c.RateLimitUser = defaultRateLimitUser
	}
	if !l.seen["FLOWDECK_RATE_LIMIT_IP"] {
		c.RateLimitIP = defaultRateLimitIP
	}
	if c.TrustedProxies == nil {
		c.TrustedProxies = []netip.Prefix{}
	}
}
