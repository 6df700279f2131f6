package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// redacted stands in for a secret wherever configuration is printed.
const redacted = "[redacted]"

// Setting is one variable's effective value, safe to print.
type Setting struct {
	Name  string
	Value string
}

// Settings returns the effective configuration with secrets redacted, in
// documentation order: what `flowdeck serve` logs at start and `doctor` prints.
func (c Config) Settings() []Setting {
	secret := func(set bool) string {
		if set {
			return redacted
		}
		return ""
	}
	u := func(u *url.URL) string {
		if u == nil {
			return ""
		}
		return u.String()
	}
	prefixes := make([]string, len(c.TrustedProxies))
	for i, p := range c.TrustedProxies {
		prefixes[i] = p.String()
	}
	values := map[string]string{
		"FLOWDECK_LISTEN":                  c.Listen,
		"FLOWDECK_PUBLIC_URL":              u(c.PublicURL),
		"FLOWDECK_CLOUD":                   c.Cloud,
		"FLOWDECK_TENANT_ID":               c.TenantID,
		"FLOWDECK_ALLOWED_TENANTS":         strings.Join(c.AllowedTenants, ","),
		"FLOWDECK_CLIENT_ID":               c.ClientID,
		"FLOWDECK_CLIENT_SECRET":           secret(c.ClientSecret != ""),
		"FLOWDECK_CLIENT_CERT_FILE":        c.ClientCertFile,
		"FLOWDECK_APP_ID_URI":              c.AppIDURI,
		"FLOWDECK_AUTHORITY_URL":           u(c.AuthorityURL),
		"FLOWDECK_BOT_OPENID_METADATA_URL": u(c.BotOpenIDMetadataURL),
		"FLOWDECK_BOT_SERVICE_URL_HOSTS":   strings.Join(c.BotServiceURLHosts, ","),
		"FLOWDECK_FLOW_API_URL":            u(c.FlowAPIURL),
		"FLOWDECK_POWERAPPS_API_URL":       u(c.PowerAppsAPIURL),
		"FLOWDECK_BAP_API_URL":             u(c.BAPAPIURL),
		"FLOWDECK_GRAPH_API_URL":           u(c.GraphAPIURL),
		"FLOWDECK_FLOW_AUDIENCE":           c.FlowAudience,
		"FLOWDECK_POWERAPPS_AUDIENCE":      c.PowerAppsAudience,
		"FLOWDECK_GRAPH_AUDIENCE":          c.GraphAudience,
		"FLOWDECK_CA_FILE":                 c.CAFile,
		"FLOWDECK_DATA_DIR":                c.DataDir,
		"FLOWDECK_DATABASE_URL":            RedactDatabaseURL(c.DatabaseURL),
		"FLOWDECK_ENCRYPTION_KEY":          secret(c.EncryptionKey != nil),
		"FLOWDECK_ENCRYPTION_OLD_KEYS":     secret(len(c.EncryptionOldKeys) > 0),
		"FLOWDECK_LOG_LEVEL":               strings.ToLower(c.LogLevel.String()),
		"FLOWDECK_LOG_FORMAT":              c.LogFormat,
		"FLOWDECK_LOG_IDS":                 c.LogIDs,
		"FLOWDECK_MONITOR_INTERVAL":        duration(c.MonitorInterval),
		"FLOWDECK_MONITOR_SHARDS":          strconv.Itoa(c.MonitorShards),
		"FLOWDECK_MONITOR_IDLE_DAYS":       strconv.Itoa(c.MonitorIdleDays),
		"FLOWDECK_APPROVAL_REMINDER":       reminder(c.ApprovalReminder),
		"FLOWDECK_REQUEST_TIMEOUT":         duration(c.RequestTimeout),
		"FLOWDECK_UPSTREAM_TIMEOUT":        duration(c.UpstreamTimeout),
		"FLOWDECK_SHUTDOWN_TIMEOUT":        duration(c.ShutdownTimeout),
		"FLOWDECK_TRUSTED_PROXIES":         strings.Join(prefixes, ","),
		"FLOWDECK_RATE_LIMIT_USER":         c.RateLimitUser.String(),
		"FLOWDECK_RATE_LIMIT_IP":           c.RateLimitIP.String(),
		"FLOWDECK_TEAMS_CATALOG_APP_ID":    c.TeamsCatalogAppID,
	}
	out := make([]Setting, 0, len(vars))
	for _, v := range vars {
		val, ok := values[v.Name]
		if !ok {
			// A variable added to the table but not here must not leak: redact it.
			val = redacted
		}
		out = append(out, Setting{Name: v.Name, Value: val})
	}
	return out
}

// String prints the effective configuration, one NAME=value a line, secrets redacted.
func (c Config) String() string {
	var b strings.Builder
	for _, s := range c.Settings() {
		fmt.Fprintf(&b, "%s=%s\n", s.Name, s.Value)
	}
	return b.String()
}

// RedactDatabaseURL hides the password of a postgres:// URL and of a password=
// keyword in its query; a SQLite path is returned as it is.
func RedactDatabaseURL(v string) string {
	if !isPostgresURL(v) {
		return v
	}
	u, err := url.Parse(v)
	if err != nil {
		return redacted
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return strings.Replace(u.String(), "xxxxx", redacted, -1)
}

func duration(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

// MarkdownTable returns the configuration table that README.md and
// docs/configuration.md carry, generated from Vars.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| variable | default | required | meaning |\n|---|---|---|---|\n")
	for _, v := range vars {
		req := ""
		if v.Required {
			req = "yes (serve)"
		}
		doc := v.Doc
		if v.Secret {
			doc += " Secret: never printed."
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", v.Name, mdDefault(v.Default), req, doc)
	}
	return b.String()
}

func mdDefault(d string) string {
	if d == "—" || d == "" {
		return "—"
	}
	return "`" + d + "`"
}

// Usage returns the environment part of `--help`: every variable with its default.
func Usage() string {
	var b strings.Builder
	b.WriteString("Environment (flags override them locally):\n")
	for _, v := range vars {
		fmt.Fprintf(&b, "  %s\n      %s", v.Name, v.Doc)
		if v.Default != "—" {
			fmt.Fprintf(&b, " (default %s)", v.Default)
		}
		if v.Required {
			b.WriteString(" [required by serve]")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func reminder(d time.Duration) string {
	if d <= 0 {
		return "off"
	}
	return duration(d)
}
