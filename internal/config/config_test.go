package config

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

var key32 = base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))

func env(m map[string]string) Lookup {
	return func(name string) (string, bool) { v, ok := m[name]; return v, ok }
}

func validServe() map[string]string {
	return map[string]string{
		"FLOWDECK_PUBLIC_URL":     "https://flowdeck.contoso.com",
		"FLOWDECK_TENANT_ID":      "72F988BF-86F1-41AF-91AB-2D7CD011DB47",
		"FLOWDECK_CLIENT_ID":      "5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b",
		"FLOWDECK_CLIENT_SECRET":  "s3cr3t-value",
		"FLOWDECK_ENCRYPTION_KEY": key32,
	}
}

func TestLoadServeDefaults(t *testing.T) {
	c, err := Load(env(validServe()), Serve)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"Listen", c.Listen, ":3978"},
		{"Cloud", c.Cloud, "public"},
		{"TenantID lower-cased", c.TenantID, "72f988bf-86f1-41af-91ab-2d7cd011db47"},
		{"AllowedTenants", strings.Join(c.AllowedTenants, ","), "72f988bf-86f1-41af-91ab-2d7cd011db47"},
		{"AppIDURI", c.AppIDURI, "api://flowdeck.contoso.com/botid-5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b"},
		{"AuthorityURL", c.AuthorityURL.String(), "https://login.microsoftonline.com"},
		{"Authority", c.Authority("t1"), "https://login.microsoftonline.com/t1"},
		{"FlowAPIURL", c.FlowAPIURL.String(), "https://api.flow.microsoft.com"},
		{"BAPAPIURL", c.BAPAPIURL.String(), "https://api.bap.microsoft.com"},
		{"DatabaseURL", c.DatabaseURL, "./data/flowdeck.db"},
		{"LogFormat", c.LogFormat, "json"},
		{"LogLevel", c.LogLevel.String(), "INFO"},
		{"MonitorInterval", c.MonitorInterval.String(), "5m0s"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.name, ch.got, ch.want)
		}
	}
	if len(c.EncryptionKey) != 32 {
		t.Errorf("EncryptionKey has %d bytes, want 32", len(c.EncryptionKey))
	}
	if c.IsPostgres() {
		t.Error("IsPostgres() = true for a SQLite path")
	}
}

func TestLoadCloudPicksHosts(t *testing.T) {
	for _, name := range Clouds() {
		m := validServe()
		m["FLOWDECK_CLOUD"] = strings.ToUpper(name)
		c, err := Load(env(m), Serve)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cl, _ := cloud.Get(name)
		if c.FlowAPIURL.String() != cl.FlowAPI || c.AuthorityURL.String() != cl.Authority || c.GraphAPIURL.String() != cl.GraphAPI {
			t.Errorf("%s: got flow %s authority %s graph %s", name, c.FlowAPIURL, c.AuthorityURL, c.GraphAPIURL)
		}
	}
	m := validServe()
	m["FLOWDECK_CLOUD"] = "gcchigh"
	m["FLOWDECK_FLOW_API_URL"] = "https://flow.example.us"
	c, err := Load(env(m), Serve)
	if err != nil {
		t.Fatal(err)
	}
	if c.FlowAPIURL.String() != "https://flow.example.us" || c.BAPAPIURL.String() != "https://high.api.bap.microsoft.us" {
		t.Errorf("override: flow %s bap %s", c.FlowAPIURL, c.BAPAPIURL)
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	m := map[string]string{
		"FLOWDECK_PUBLIC_URL":          "not a url",
		"FLOWDECK_CLOUD":               "mars",
		"FLOWDECK_ENCRYPTION_KEY":      base64.StdEncoding.EncodeToString([]byte("short")),
		"FLOWDECK_MONITOR_INTERVAL":    "5 minutes",
		"FLOWDECK_LOG_LEVEL":           "loud",
		"FLOWDECK_DATABASE_URL":        "mysql://x",
		"FLOWDECK_AUTHORITY_URL":       "http://login.example.com",
		"FLOWDECK_TRUSTED_PROXIES":     "10.0.0.0/8,nonsense",
		"FLOWDECK_ENCRYPTION_OLD_KEYS": "%%%",
	}
	_, err := Load(env(m), Serve)
	var p Problems
	if !errors.As(err, &p) {
		t.Fatalf("err = %v, want Problems", err)
	}
	want := []string{
		"FLOWDECK_PUBLIC_URL must be an absolute URL",
		"FLOWDECK_CLOUD must be one of public, gcc, gcchigh, dod, china",
		"FLOWDECK_ENCRYPTION_KEY must be 32 bytes, base64-encoded (it decodes to 5 bytes)",
		"FLOWDECK_MONITOR_INTERVAL must be a duration",
		"FLOWDECK_LOG_LEVEL must be debug, info, warn or error",
		"FLOWDECK_DATABASE_URL must be a SQLite file path or a postgres:// URL",
		"FLOWDECK_AUTHORITY_URL must use https",
		`FLOWDECK_TRUSTED_PROXIES: "nonsense" is not a CIDR range`,
		"FLOWDECK_ENCRYPTION_OLD_KEYS key 1 must be 32 bytes",
		"FLOWDECK_TENANT_ID is required",
		"FLOWDECK_CLIENT_ID is required",
		"FLOWDECK_CLIENT_SECRET or FLOWDECK_CLIENT_CERT_FILE is required",
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("problems do not mention %q:\n%s", w, msg)
		}
	}
	if len(p) != len(want) {
		t.Errorf("got %d problems, want %d:\n%s", len(p), len(want), msg)
	}
}

func TestLoadRejectsPlainHTTPExceptLoopback(t *testing.T) {
	m := validServe()
	m["FLOWDECK_PUBLIC_URL"] = "http://flowdeck.contoso.com"
	if _, err := Load(env(m), Serve); err == nil || !strings.Contains(err.Error(), "must use https") {
		t.Errorf("http public URL: err = %v", err)
	}
	m["FLOWDECK_PUBLIC_URL"] = "http://127.0.0.1:3978"
	if _, err := Load(env(m), Serve); err != nil {
		t.Errorf("loopback http: %v", err)
	}
	m["FLOWDECK_PUBLIC_URL"] = "https://user:pw@flowdeck.contoso.com"
	if _, err := Load(env(m), Serve); err == nil || strings.Contains(err.Error(), "pw") {
		t.Errorf("credentials in URL: err = %v (must be rejected without echoing them)", err)
	}
}

func TestLoadSecretAndCertAreExclusive(t *testing.T) {
	m := validServe()
	m["FLOWDECK_CLIENT_CERT_FILE"] = "config.go"
	if _, err := Load(env(m), Serve); err == nil || !strings.Contains(err.Error(), "only one of") {
		t.Errorf("err = %v", err)
	}
	delete(m, "FLOWDECK_CLIENT_SECRET")
	m["FLOWDECK_CLIENT_CERT_FILE"] = "no-such-file.pem"
	if _, err := Load(env(m), Serve); err == nil || !strings.Contains(err.Error(), "cannot read") {
		t.Errorf("missing cert file: err = %v", err)
	}
}

func TestLoadDevNeedsNothing(t *testing.T) {
	c, err := Load(env(nil), Dev)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:3978" || c.LogFormat != "text" {
		t.Errorf("dev defaults: listen %q format %q", c.Listen, c.LogFormat)
	}
}

func TestLayeredFlagsWin(t *testing.T) {
	flags := env(map[string]string{"FLOWDECK_LISTEN": "127.0.0.1:9000"})
	environ := env(map[string]string{"FLOWDECK_LISTEN": ":80", "FLOWDECK_LOG_LEVEL": "debug"})
	c, err := Load(Layered(flags, nil, environ), Dev)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9000" || c.LogLevel.String() != "DEBUG" {
		t.Errorf("listen %q level %v", c.Listen, c.LogLevel)
	}
}

func TestSettingsRedactSecrets(t *testing.T) {
	m := validServe()
	old := base64.StdEncoding.EncodeToString([]byte("fedcba9876543210fedcba9876543210"))
	m["FLOWDECK_ENCRYPTION_OLD_KEYS"] = old
	m["FLOWDECK_DATABASE_URL"] = "postgres://flowdeck:hunter2@db.internal:5432/flowdeck?sslmode=require&password=hunter3"
	c, err := Load(env(m), Serve)
	if err != nil {
		t.Fatal(err)
	}
	out := c.String()
	for _, secret := range []string{"s3cr3t-value", key32, old, "hunter2", "hunter3"} {
		if strings.Contains(out, secret) {
			t.Errorf("printed configuration contains a secret %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"FLOWDECK_CLIENT_SECRET=[redacted]", "FLOWDECK_ENCRYPTION_KEY=[redacted]", "flowdeck:[redacted]@db.internal", "FLOWDECK_TENANT_ID=72f988bf"} {
		if !strings.Contains(out, want) {
			t.Errorf("printed configuration lacks %q:\n%s", want, out)
		}
	}
	if got := len(c.Settings()); got != len(Vars()) {
		t.Errorf("Settings has %d entries, Vars %d", got, len(Vars()))
	}
}

func TestEveryVarIsDocumentedAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range Vars() {
		if !strings.HasPrefix(v.Name, "FLOWDECK_") || v.Doc == "" || v.Default == "" || v.set == nil {
			t.Errorf("%+v is incomplete", v.Name)
		}
		if seen[v.Name] {
			t.Errorf("%s is listed twice", v.Name)
		}
		seen[v.Name] = true
	}
	usage := Usage()
	for name := range seen {
		if !strings.Contains(usage, name) {
			t.Errorf("Usage() does not list %s", name)
		}
	}
}

func TestMonitorSettings(t *testing.T) {
	c, err := Load(env(validServe()), Serve)
	if err != nil {
		t.Fatal(err)
	}
	if c.MonitorShards != 16 || c.MonitorIdleDays != 7 || c.ApprovalReminder != 0 {
		t.Fatalf("defaults: shards %d, idle days %d, reminder %s; want 16, 7, off", c.MonitorShards, c.MonitorIdleDays, c.ApprovalReminder)
	}
	m := validServe()
	m["FLOWDECK_MONITOR_SHARDS"], m["FLOWDECK_MONITOR_IDLE_DAYS"], m["FLOWDECK_APPROVAL_REMINDER"] = "64", "0", "4h"
	if c, err = Load(env(m), Serve); err != nil {
		t.Fatal(err)
	}
	if c.MonitorShards != 64 || c.MonitorIdleDays != 0 || c.ApprovalReminder != 4*time.Hour {
		t.Fatalf("set: shards %d, idle days %d, reminder %s; want 64, 0, 4h", c.MonitorShards, c.MonitorIdleDays, c.ApprovalReminder)
	}
	m["FLOWDECK_MONITOR_SHARDS"], m["FLOWDECK_MONITOR_IDLE_DAYS"], m["FLOWDECK_APPROVAL_REMINDER"] = "0", "many", "5m"
	_, err = Load(env(m), Serve)
	var p Problems
	if !errors.As(err, &p) || len(p) != 3 {
		t.Fatalf("bad values: err = %v, want 3 problems", err)
	}
	for _, want := range []string{"FLOWDECK_MONITOR_SHARDS must be between 1 and 1024", "FLOWDECK_MONITOR_IDLE_DAYS must be a whole number", "FLOWDECK_APPROVAL_REMINDER must be between"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}
