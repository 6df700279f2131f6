package appmanifest

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on bot commands. The schema allows more in recent versions (12
// commands, 128-character titles, 4000-character descriptions); these are the
// limits every manifest version accepts, so a command table that passes
// here stays valid if we ever move the manifest version down or up.
const (
	MaxCommands           = 10
	MaxCommandTitle       = 32
	MaxCommandDescription = 128
)

// maxVersion is the schema's maxLength for version.
const maxVersion = 256

var (
	guidPattern   = regexp.MustCompile(`^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$`)
	semverPattern = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)
)

// resolved holds validated options with defaults applied, ready to render.
type resolved struct {
	appID    string // lower-case GUID
	clientID string // lower-case GUID
	base     string // scheme://host[:port] with a lower-case host, no trailing slash
	domain   string // host[:port], lower-case: the validDomains entry
	appIDURI string
	version  string
	commands []command
	// linkDomains are the messageHandlers domains, lower-case.
	linkDomains []string
}

// Validate reports every problem of o at once, joined with [errors.Join],
// or nil when Manifest and Package can use o. It checks:
//   - ClientID (required) and AppID (optional) are GUIDs;
//   - PublicURL is https, or http on localhost or a loopback IP, and has a
//     host and nothing else (a path other than "/", a query, a fragment or
//     credentials are errors);
//   - AppIDURI, when set, is api://<public host>/botid-<client id> with the
//     host in lower case, as Teams SSO for a tab plus a bot requires
//     (teams-platform.md §1.3). A different value is an error, not a warning:
//     with it, the SSO token's audience would not match and sign-in fails;
//   - Version is MAJOR.MINOR.PATCH;
//   - Commands: at most [MaxCommands], titles unique (ignoring case), title
//     and description present, single-line, trimmed and within
//     [MaxCommandTitle] and [MaxCommandDescription] characters.
func (o Options) Validate() error {
	_, err := o.resolve()
	return err
}

func (o Options) resolve() (resolved, error) {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("appmanifest: "+format, args...))
	}
	var r resolved

	switch {
	case o.ClientID == "":
		add("ClientID is required: the Entra application (client) id, which is also the bot id")
	case !guidPattern.MatchString(o.ClientID):
		add("ClientID %q is not a GUID", o.ClientID)
	default:
		r.clientID = strings.ToLower(o.ClientID)
	}
	switch {
	case o.AppID == "":
		r.appID = r.clientID
	case !guidPattern.MatchString(o.AppID):
		add("AppID %q is not a GUID (leave it empty to use ClientID)", o.AppID)
	default:
		r.appID = strings.ToLower(o.AppID)
	}

	host := ""
	if u := o.PublicURL; u == nil {
		add("PublicURL is required: the service's public base URL, e.g. https://flowdeck.contoso.com")
	} else {
		switch {
		case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
			add("PublicURL %q has no host", u.Redacted())
		case u.Scheme == "https":
		case u.Scheme == "http" && isLoopback(u.Hostname()):
			// Plain http only for the local cloud on this machine.
		default:
			add("PublicURL %q must use https (http only on localhost or a loopback IP)", u.Redacted())
		}
		if u.User != nil {
			add("PublicURL must not carry credentials")
		}
		if u.Path != "" && u.Path != "/" {
			add("PublicURL %q must not have a path: the tab is served at its root", u.Redacted())
		}
		if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
			add("PublicURL %q must not have a query or fragment", u.Redacted())
		}
		host = strings.ToLower(u.Host)
		r.domain = host
		r.base = u.Scheme + "://" + host
	}

	r.appIDURI = o.AppIDURI
	if r.appIDURI == "" && host != "" && r.clientID != "" {
		r.appIDURI = "api://" + host + "/botid-" + r.clientID
	} else if r.appIDURI != "" {
		errs = append(errs, checkAppIDURI(o.AppIDURI, host, r.clientID)...)
	}

	r.version = o.Version
	if r.version == "" {
		r.version = DefaultVersion
	}
	if len(r.version) > maxVersion || !semverPattern.MatchString(r.version) {
		add("Version %q must be MAJOR.MINOR.PATCH, e.g. 1.4.2 (no pre-release or build suffix)", o.Version)
	}

	var bad []string
	r.linkDomains, bad = checkLinkDomains(o.LinkDomains)
	for _, d := range bad {
		add("LinkDomains: %q is not a host name", d)
	}
	if len(r.linkDomains) > MaxLinkDomains {
		add("%d LinkDomains, at most %d are allowed", len(r.linkDomains), MaxLinkDomains)
	}

	cmds, cmdErrs := checkCommands(o.Commands)
	r.commands = cmds
	errs = append(errs, cmdErrs...)

	if err := errors.Join(errs...); err != nil {
		return resolved{}, err
	}
	return r, nil
}

// checkAppIDURI compares a configured Application ID URI with the one Teams
// SSO needs for a tab and a bot in one app. host and clientID are empty when
// they are themselves invalid; the matching checks are then skipped.
func checkAppIDURI(uri, host, clientID string) []error {
	want := "api://<public host>/botid-<client id>"
	if host != "" && clientID != "" {
		want = "api://" + host + "/botid-" + clientID
	}
	rest, ok := strings.CutPrefix(uri, "api://")
	uriHost, uriID, ok2 := strings.Cut(rest, "/botid-")
	if !ok || !ok2 {
		return []error{fmt.Errorf("appmanifest: AppIDURI %q must read %s (Teams SSO for a tab and a bot)", uri, want)}
	}
	var errs []error
	if uriHost != strings.ToLower(uriHost) {
		errs = append(errs, fmt.Errorf("appmanifest: AppIDURI %q: the host must be lower-case (upper case breaks SSO on Android); register %s in Entra", uri, want))
	} else if host != "" && uriHost != host {
		errs = append(errs, fmt.Errorf("appmanifest: AppIDURI %q: host %q is not the public host %q; want %s", uri, uriHost, host, want))
	}
	if clientID != "" && !strings.EqualFold(uriID, clientID) {
		errs = append(errs, fmt.Errorf("appmanifest: AppIDURI %q: %q after botid- is not the client id %q; want %s", uri, uriID, clientID, want))
	}
	return errs
}

// checkCommands validates the command table and converts it.
func checkCommands(in []Command) ([]command, []error) {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("appmanifest: "+format, args...))
	}
	if len(in) > MaxCommands {
		add("%d Commands, at most %d are allowed in a command list", len(in), MaxCommands)
	}
	seen := make(map[string]int, len(in))
	out := make([]command, 0, len(in))
	for i, c := range in {
		if msg := checkText(c.Title, MaxCommandTitle); msg != "" {
			add("Commands[%d] title %q %s", i, c.Title, msg)
		}
		if msg := checkText(c.Description, MaxCommandDescription); msg != "" {
			add("Commands[%d] (%q) description %s", i, c.Title, msg)
		}
		key := strings.ToLower(c.Title)
		if j, dup := seen[key]; dup && c.Title != "" {
			add("Commands[%d] title %q repeats Commands[%d]", i, c.Title, j)
		} else {
			seen[key] = i
		}
		out = append(out, command(c))
	}
	return out, errs
}

// checkText returns why s is not a usable single-line text of at most limit
// characters, or "" when it is.
func checkText(s string, limit int) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "is required"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.TrimSpace(s) != s:
		return "has leading or trailing spaces"
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "contains a control character (line break, tab…)"
	case utf8.RuneCountInString(s) > limit:
		return fmt.Sprintf("is %d characters long, at most %d are allowed", utf8.RuneCountInString(s), limit)
	}
	return ""
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
