package identity

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// Audience keys: the upstream APIs FlowDeck calls, each needing its own token.
const (
	// Flow is the Power Automate API (Flow RP).
	Flow = "flow"
	// PowerApps is the Power Apps API and the BAP (environments) API, which share a token.
	PowerApps = "powerapps"
	// Graph is Microsoft Graph.
	Graph = "graph"
)

// OfflineAccess is asked with every delegated token so that Entra returns a refresh token.
const OfflineAccess = "offline_access"

// Audience is one upstream API's token requirements: the resource its tokens
// must be issued for, the delegated scopes FlowDeck asks, and the hosts that
// accept such a token.
type Audience struct {
	// Key is Flow, PowerApps or Graph.
	Key string
	// Name is a human name for messages ("Power Automate").
	Name string
	// Resource is the token audience, e.g. https://service.flow.microsoft.com/.
	Resource string
	// Scopes are the delegated permission names, e.g. Flows.Read.All.
	Scopes []string
	// Hosts are the host[:port]s whose requests carry this audience's token.
	Hosts []string
}

// ScopeURIs returns the fully qualified scopes to request from Entra for the
// named permissions (all of a's when none are named), plus offline_access.
// Interactive consent asks these: the permissions by name.
func (a Audience) ScopeURIs(names ...string) []string {
	if len(names) == 0 {
		names = a.Scopes
	}
	out := make([]string, 0, len(names)+1)
	for _, n := range names {
		out = append(out, ScopeURI(a.Resource, n))
	}
	return append(out, OfflineAccess)
}

// DefaultScope returns the resource's ".default" scope: every permission
// consented for FlowDeck on the resource, by the user or tenant-wide. A
// resource ending in "/" gives the double slash Entra expects:
// https://service.flow.microsoft.com//.default.
func (a Audience) DefaultScope() string { return ScopeURI(a.Resource, ".default") }

// SilentScopes are what the silent exchanges (OBO, refresh, code redemption)
// ask: the resource's ".default" plus offline_access. Entra answers with a
// token carrying whatever has been consented, so a tenant that granted only
// some permissions still gets a token for those; it fails (AADSTS65001) only
// when nothing at all is consented. Asking the permissions by name would fail
// the whole exchange as soon as one of them is missing.
func (a Audience) SilentScopes() []string { return []string{a.DefaultScope(), OfflineAccess} }

// HasScope reports whether name is one of a's delegated permissions.
func (a Audience) HasScope(name string) bool { return slices.Contains(a.Scopes, name) }

// ScopeURI joins a resource and a permission name as Entra reads them. Entra
// takes a scope's resource from everything before its last "/" and stamps
// the token's aud with that text exactly, and Power Platform compares aud
// exactly, trailing slash included. So the resource is kept as it is and the
// permission appended after one more slash:
// https://service.flow.microsoft.com/ + Flows.Read.All =
// https://service.flow.microsoft.com//Flows.Read.All (aud
// https://service.flow.microsoft.com/). Never trim the resource's slash.
func ScopeURI(resource, name string) string {
	return resource + "/" + name
}

// RegistryOptions configure a Registry. Empty audiences take the cloud's defaults.
type RegistryOptions struct {
	// Cloud is public, gcc, gcchigh, dod or china.
	Cloud string
	// FlowAudience, PowerAppsAudience and GraphAudience override the cloud's resources.
	FlowAudience, PowerAppsAudience, GraphAudience string
	// FlowURL is the Power Automate API base URL; its host carries Flow tokens.
	FlowURL string
	// PowerAppsURL and BAPURL are the Power Apps and BAP base URLs; both carry PowerApps tokens.
	PowerAppsURL, BAPURL string
	// GraphURL is the Graph base URL.
	GraphURL string
}

// Registry is the one place that maps API hosts to token audiences and
// delegated scopes. Nothing else in FlowDeck picks an audience, and a token is
// never sent to a host the registry does not know.
type Registry struct {
	audiences []Audience
	byHost    map[string]int
	byKey     map[string]int
}

// NewRegistry builds the registry for a cloud and its configured base URLs.
func NewRegistry(o RegistryOptions) (*Registry, error) {
	cl, ok := cloud.Get(o.Cloud)
	if !ok {
		return nil, fmt.Errorf("identity: unknown cloud %q", o.Cloud)
	}
	pick := func(override, def string) string {
		if override != "" {
			return override
		}
		return def
	}
	r := &Registry{byHost: map[string]int{}, byKey: map[string]int{}}
	specs := []struct {
		key, name, resource string
		scopes              []string
		urls                []string
	}{
		{Flow, "Power Automate", pick(o.FlowAudience, cl.FlowAudience),
			[]string{"Flows.Read.All", "Flows.Manage.All", "Activity.Read.All", "Approvals.Read.All", "Approvals.Manage.All"},
			[]string{o.FlowURL}},
		{PowerApps, "Power Apps", pick(o.PowerAppsAudience, cl.PowerAppsAudience), []string{"User"}, []string{o.PowerAppsURL, o.BAPURL}},
		{Graph, "Microsoft Graph", pick(o.GraphAudience, cl.GraphAudience), []string{"User.Read", "User.ReadBasic.All"}, []string{o.GraphURL}},
	}
	for i, s := range specs {
		a := Audience{Key: s.key, Name: s.name, Resource: s.resource, Scopes: s.scopes}
		for _, raw := range s.urls {
			if raw == "" {
				continue
			}
			u, err := url.Parse(raw)
			if err != nil || u.Host == "" {
				return nil, fmt.Errorf("identity: %s base URL %q is not an absolute URL", s.name, raw)
			}
			host := strings.ToLower(u.Host)
			if prev, dup := r.byHost[host]; dup && prev != i {
				return nil, fmt.Errorf("identity: host %s is configured for both %s and %s", host, specs[prev].name, s.name)
			}
			r.byHost[host] = i
			if !slices.Contains(a.Hosts, host) {
				a.Hosts = append(a.Hosts, host)
			}
		}
		r.audiences = append(r.audiences, a)
		r.byKey[s.key] = i
	}
	return r, nil
}

// ForHost returns the audience whose tokens the host (host or host:port, as in
// url.URL.Host) accepts. An unknown host gets no token.
func (r *Registry) ForHost(host string) (Audience, bool) {
	i, ok := r.byHost[strings.ToLower(host)]
	if !ok {
		return Audience{}, false
	}
	return r.audiences[i], true
}

// Get returns the audience for a key (Flow, PowerApps, Graph).
func (r *Registry) Get(key string) (Audience, bool) {
	i, ok := r.byKey[key]
	if !ok {
		return Audience{}, false
	}
	return r.audiences[i], true
}

// All returns every audience, in a fixed order: Flow, PowerApps, Graph.
func (r *Registry) All() []Audience { return slices.Clone(r.audiences) }

// AudienceKey returns the key of the audience whose tokens host accepts; it is
// what outbound transports ask before attaching a token.
func (r *Registry) AudienceKey(host string) (string, bool) {
	a, ok := r.ForHost(host)
	return a.Key, ok
}
