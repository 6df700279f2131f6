package botframework

import (
	"net/url"
	"slices"
	"strings"
)

// Entra issuer prefixes of the public cloud, the defaults of
// VerifierOptions.EntraV1Issuer and EntraV2Issuer.
const (
	DefaultEntraV1Issuer = "https://sts.windows.net/"
	DefaultEntraV2Issuer = "https://login.microsoftonline.com/"
)

// issuers knows which iss values a channel token may carry, the way the
// Microsoft 365 Agents SDK lists them (microsoft/Agents-for-net
// src/samples/Shared/AspNetExtensions.cs, ValidIssuers): the Bot Framework's
// own issuer of the bot's cloud, and the v1 and v2 Entra issuers of the
// bot's tenant and of the Microsoft service tenants. The issuer is always
// validated, as the .NET SDK does (ValidateIssuer = true).
type issuers struct {
	channel string
	v1, v2  string
	tenants []string // lower case: the bot's tenant first, then the service tenants
}

// tenantOf returns the tenant of iss when it is the v1 or v2 Entra issuer of
// an accepted tenant, in exactly the form Entra writes it
// (https://sts.windows.net/{tid}/, https://login.microsoftonline.com/{tid}/v2.0):
// a look-alike host, another path, another tenant or another case is not.
func (is issuers) tenantOf(iss string) (string, bool) {
	var tid string
	switch {
	case strings.HasPrefix(iss, is.v1) && strings.HasSuffix(iss, "/"):
		tid = strings.TrimSuffix(strings.TrimPrefix(iss, is.v1), "/")
	case strings.HasPrefix(iss, is.v2) && strings.HasSuffix(iss, "/v2.0"):
		tid = strings.TrimSuffix(strings.TrimPrefix(iss, is.v2), "/v2.0")
	default:
		return "", false
	}
	if tid == "" || !slices.Contains(is.tenants, tid) {
		return "", false
	}
	return tid, true
}

// serviceURLHosts is the set of hosts an activity's serviceUrl may name.
// Empty: any host (the serviceurl claim still binds Bot Framework tokens).
type serviceURLHosts []string

func newServiceURLHosts(hosts []string) serviceURLHosts {
	out := make(serviceURLHosts, 0, len(hosts))
	for _, h := range hosts {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// allows reports whether serviceURL is an https URL (http on loopback) on an
// accepted host. The port is not part of the match.
func (s serviceURLHosts) allows(serviceURL string) bool {
	if len(s) == 0 {
		return true
	}
	u, err := url.Parse(serviceURL)
	if err != nil || u.User != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(host) {
			return false
		}
	default:
		return false
	}
	return slices.Contains(s, host)
}
