package config

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

type urlT = url.URL

// Problems is every configuration problem found, reported at once.
type Problems []string

// Error lists the problems, one per line.
func (p Problems) Error() string {
	return "invalid configuration:\n  - " + strings.Join(p, "\n  - ")
}

// Lookup finds the value of a variable; flags are layered over the environment
// by composing lookups (see Layered).
type Lookup func(name string) (string, bool)

// Layered returns a lookup that asks each lookup in turn and takes the first
// answer: pass the flag overrides first and os.LookupEnv last.
func Layered(lookups ...Lookup) Lookup {
	return func(name string) (string, bool) {
		for _, l := range lookups {
			if l == nil {
				continue
			}
			if v, ok := l(name); ok {
				return v, true
			}
		}
		return "", false
	}
}

// Load reads and validates the configuration. On failure the error is
// Problems, listing every problem found.
func Load(lookup Lookup, mode Mode) (Config, error) {
	l := &loader{mode: mode, seen: map[string]bool{}}
	for _, v := range vars {
		s, ok := lookup(v.Name)
		s = strings.TrimSpace(s)
		if !ok || s == "" {
			continue
		}
		l.seen[v.Name] = true
		v.set(l, s)
	}
	l.defaults()
	l.validate()
	if len(l.problems) > 0 {
		return Config{}, l.problems
	}
	return l.c, nil
}

type loader struct {
	c        Config
	mode     Mode
	seen     map[string]bool
	problems Problems
}

func (l *loader) addf(format string, args ...any) {
	l.problems = append(l.problems, fmt.Sprintf(format, args...))
}

// validate checks what needs several variables at once, and what serve requires.
func (l *loader) validate() {
	c := &l.c
	if l.mode == Manifest {
		for _, name := range []string{"FLOWDECK_PUBLIC_URL", "FLOWDECK_CLIENT_ID"} {
			if !l.seen[name] {
				l.addf("%s is required to build the app package", name)
			}
		}
	}
	if l.mode == Serve {
		for _, v := range vars {
			if v.Required && !l.seen[v.Name] {
				l.addf("%s is required: %s", v.Name, v.Doc)
			}
		}
		if c.ClientSecret == "" && c.ClientCertFile == "" {
			l.addf("FLOWDECK_CLIENT_SECRET or FLOWDECK_CLIENT_CERT_FILE is required: the Entra app's credential")
		}
	}
	if c.ClientSecret != "" && c.ClientCertFile != "" {
		l.addf("set only one of FLOWDECK_CLIENT_SECRET and FLOWDECK_CLIENT_CERT_FILE")
	}
	if c.PublicURL != nil && c.PublicURL.Path != "" && c.PublicURL.Path != "/" {
		l.addf("FLOWDECK_PUBLIC_URL must be a base URL without a path (got path %q)", c.PublicURL.Path)
	}
	if c.AuthorityURL != nil && c.AuthorityURL.Scheme != "https" {
		l.addf("FLOWDECK_AUTHORITY_URL must use https (Entra and MSAL require it)")
	}
	for _, k := range c.EncryptionOldKeys {
		if string(k) == string(c.EncryptionKey) {
			l.addf("FLOWDECK_ENCRYPTION_OLD_KEYS repeats FLOWDECK_ENCRYPTION_KEY")
			break
		}
	}
	if len(c.EncryptionOldKeys) > 0 && c.EncryptionKey == nil {
		l.addf("FLOWDECK_ENCRYPTION_OLD_KEYS needs FLOWDECK_ENCRYPTION_KEY, the key new data is sealed with")
	}
}

func (l *loader) listen(name, v string) string {
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		l.addf("%s must be host:port or :port (got %q)", name, v)
		return ""
	}
	return v
}

func (l *loader) url(name, v string) *url.URL {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Host == "" {
		l.addf("%s must be an absolute URL such as https://example.com (got %q)", name, v)
		return nil
	}
	if u.User != nil {
		l.addf("%s must not carry credentials", name)
		return nil
	}
	if u.RawQuery != "" || u.Fragment != "" {
		l.addf("%s must not have a query or fragment", name)
		return nil
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		// Plain HTTP only for local work on this machine.
	default:
		l.addf("%s must use https (plain http is allowed only for 127.0.0.1 or localhost; got %q)", name, v)
		return nil
	}
	return u
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

func (l *loader) cloud(v string) string {
	v = strings.ToLower(v)
	if _, ok := cloud.Get(v); !ok {
		l.addf("FLOWDECK_CLOUD must be one of %s (got %q)", strings.Join(Clouds(), ", "), v)
		return ""
	}
	return v
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (l *loader) guid(name, v string) string {
	if !guidRE.MatchString(v) {
		l.addf("%s must be a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47 (got %q)", name, v)
		return ""
	}
	return strings.ToLower(v)
}

func (l *loader) tenants(v string) []string {
	if v == "*" {
		return []string{"*"}
	}
	var out []string
	for _, t := range strings.Split(v, ",") {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if g := l.guid("FLOWDECK_ALLOWED_TENANTS", t); g != "" {
			out = append(out, g)
		}
	}
	return out
}

// hosts reads a comma-separated list of bare host names (no scheme, port,
// path or wildcard), lower-cased.
func (l *loader) hosts(name, v string) []string {
	var out []string
	for _, h := range strings.Split(v, ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		if strings.ContainsAny(h, "/:*@ ") || strings.HasPrefix(h, ".") || strings.HasSuffix(h, ".") {
			l.addf("%s: %q is not a host name (give hosts like smba.trafficmanager.net, without https:// or a path)", name, h)
			continue
		}
		out = append(out, h)
	}
	if len(out) == 0 {
		l.addf("%s: no host given", name)
	}
	return out
}

func (l *loader) file(name, v string) string {
	fi, err := os.Stat(v)
	if err != nil {
		l.addf("%s: cannot read %q: %v", name, v, err.(*os.PathError).Err)
		return ""
	}
	if fi.IsDir() {
		l.addf("%s: %q is a folder, not a file", name, v)
		return ""
	}
	return v
}

func (l *loader) appIDURI(v string) string {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "api" && u.Scheme != "https") {
		l.addf("FLOWDECK_APP_ID_URI must look like api://<host>/botid-<client id> (got %q)", v)
		return ""
	}
	return v
}

func (l *loader) audience(name, v string) string {
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" {
		l.addf("%s must be an https resource URI such as https://service.flow.microsoft.com/ (got %q)", name, v)
		return ""
	}
	return v
}

func (l *loader) database(v string) string {
	if isPostgresURL(v) {
		if _, err := url.Parse(v); err != nil {
			l.addf("FLOWDECK_DATABASE_URL is not a valid postgres:// URL")
			return ""
		}
		return v
	}
	if strings.Contains(v, "://") {
		l.addf("FLOWDECK_DATABASE_URL must be a SQLite file path or a postgres:// URL (got scheme %q)", strings.SplitN(v, "://", 2)[0])
		return ""
	}
	return v
}

func isPostgresURL(v string) bool {
	return strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://")
}

func (l *loader) key(name, v string) []byte {
	k, err := decodeKey(v)
	if err != nil {
		l.addf("%s %v; generate one with: openssl rand -base64 32", name, err)
		return nil
	}
	return k
}

// decodeKey decodes a base64 (standard or URL alphabet, padded or not) 32-byte key.
func decodeKey(v string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(v); err == nil {
			if len(b) != 32 {
				return nil, fmt.Errorf("must be 32 bytes, base64-encoded (it decodes to %d bytes)", len(b))
			}
			return b, nil
		}
	}
	return nil, fmt.Errorf("must be 32 bytes, base64-encoded (it is not valid base64)")
}

func (l *loader) oldKeys(v string) [][]byte {
	var out [][]byte
	for i, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		k, err := decodeKey(s)
		if err != nil {
			l.addf("FLOWDECK_ENCRYPTION_OLD_KEYS key %d %v", i+1, err)
			continue
		}
		out = append(out, k)
	}
	return out
}

func (l *loader) level(v string) slog.Level {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(v)); err != nil {
		l.addf("FLOWDECK_LOG_LEVEL must be debug, info, warn or error (got %q)", v)
	}
	return lv
}

func (l *loader) oneOf(name, v string, allowed ...string) string {
	v = strings.ToLower(v)
	if slices.Contains(allowed, v) {
		return v
	}
	l.addf("%s must be one of %s (got %q)", name, strings.Join(allowed, ", "), v)
	return ""
}

func (l *loader) duration(name, v string, lo, hi time.Duration) time.Duration {
	d, err := time.ParseDuration(v)
	if err != nil {
		l.addf("%s must be a duration such as 5m or 30s (got %q)", name, v)
		return 0
	}
	if d < lo || d > hi {
		l.addf("%s must be between %s and %s (got %s)", name, lo, hi, d)
		return 0
	}
	return d
}

func (l *loader) integer(name, v string, lo, hi int) int {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		l.addf("%s must be a whole number (got %q)", name, v)
		return 0
	}
	if n < lo || n > hi {
		l.addf("%s must be between %d and %d (got %d)", name, lo, hi, n)
		return 0
	}
	return n
}

func (l *loader) prefixes(v string) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range strings.Split(v, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			if a, aerr := netip.ParseAddr(s); aerr == nil {
				p = netip.PrefixFrom(a, a.BitLen())
			} else {
				l.addf("FLOWDECK_TRUSTED_PROXIES: %q is not a CIDR range such as 10.0.0.0/8", s)
				continue
			}
		}
		out = append(out, p.Masked())
	}
	return out
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(fmt.Sprintf("config: built-in URL %q: %v", s, err))
	}
	return u
}
