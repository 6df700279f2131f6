package identity

import (
	"slices"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

func publicRegistry(t *testing.T) *Registry {
	t.Helper()
	r, err := NewRegistry(RegistryOptions{
		Cloud:        "public",
		FlowURL:      "https://api.flow.microsoft.com",
		PowerAppsURL: "https://api.powerapps.com",
		BAPURL:       "https://api.bap.microsoft.com",
		GraphURL:     "https://graph.microsoft.com",
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRegistryMapsHostsToAudiences(t *testing.T) {
	r := publicRegistry(t)
	for _, tc := range []struct{ host, key, resource string }{
		{"api.flow.microsoft.com", Flow, "https://service.flow.microsoft.com/"},
		{"API.FLOW.MICROSOFT.COM", Flow, "https://service.flow.microsoft.com/"},
		{"api.powerapps.com", PowerApps, "https://service.powerapps.com/"},
		{"api.bap.microsoft.com", PowerApps, "https://service.powerapps.com/"},
		{"graph.microsoft.com", Graph, "https://graph.microsoft.com/"},
	} {
		a, ok := r.ForHost(tc.host)
		if !ok || a.Key != tc.key || a.Resource != tc.resource {
			t.Errorf("ForHost(%q) = %+v, %v; want %s %s", tc.host, a, ok, tc.key, tc.resource)
		}
	}
	for _, host := range []string{"management.azure.com", "evil.example.com", "api.flow.microsoft.com.evil.example", "europe.api.flow.microsoft.com", ""} {
		if a, ok := r.ForHost(host); ok {
			t.Errorf("ForHost(%q) = %+v: an unknown host must get no token", host, a)
		}
	}
}

func TestRegistryScopes(t *testing.T) {
	r := publicRegistry(t)
	flow, _ := r.Get(Flow)
	want := []string{
		"https://service.flow.microsoft.com//Flows.Read.All",
		"https://service.flow.microsoft.com//Flows.Manage.All",
		"https://service.flow.microsoft.com//Activity.Read.All",
		"https://service.flow.microsoft.com//Approvals.Read.All",
		"https://service.flow.microsoft.com//Approvals.Manage.All",
		"offline_access",
	}
	if got := flow.ScopeURIs(); !slices.Equal(got, want) {
		t.Errorf("flow ScopeURIs = %v, want %v", got, want)
	}
	if got := flow.DefaultScope(); got != "https://service.flow.microsoft.com//.default" {
		t.Errorf("DefaultScope = %q", got)
	}
	g, _ := r.Get(Graph)
	if got := g.ScopeURIs(); !slices.Equal(got, []string{"https://graph.microsoft.com//User.Read", "https://graph.microsoft.com//User.ReadBasic.All", "offline_access"}) {
		t.Errorf("graph ScopeURIs = %v", got)
	}
	if got := flow.SilentScopes(); !slices.Equal(got, []string{"https://service.flow.microsoft.com//.default", "offline_access"}) {
		t.Errorf("flow SilentScopes = %v", got)
	}
	// A resource configured without a slash keeps it off: aud is the resource as configured.
	if got := ScopeURI("https://graph.microsoft.com", "User.Read"); got != "https://graph.microsoft.com/User.Read" {
		t.Errorf("ScopeURI without slash = %q", got)
	}
	if _, ok := r.Get("arm"); ok {
		t.Error("Get(arm) found an audience; FlowDeck never uses an Azure management token")
	}
	keys := []string{}
	for _, a := range r.All() {
		keys = append(keys, a.Key)
	}
	if !slices.Equal(keys, []string{Flow, PowerApps, Graph}) {
		t.Errorf("All keys = %v", keys)
	}
}

func TestRegistryCloudsAndOverrides(t *testing.T) {
	for _, name := range cloud.Names() {
		cl, _ := cloud.Get(name)
		r, err := NewRegistry(RegistryOptions{Cloud: name})
		if err != nil {
			t.Fatal(err)
		}
		f, _ := r.Get(Flow)
		p, _ := r.Get(PowerApps)
		g, _ := r.Get(Graph)
		if f.Resource != cl.FlowAudience || p.Resource != cl.PowerAppsAudience || g.Resource != cl.GraphAudience {
			t.Errorf("%s: %s %s %s", name, f.Resource, p.Resource, g.Resource)
		}
	}
	r, err := NewRegistry(RegistryOptions{Cloud: "gcchigh", PowerAppsAudience: "https://high.service.apps.appsplatform.us/", FlowURL: "https://127.0.0.1:8443"})
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := r.Get(PowerApps); p.Resource != "https://high.service.apps.appsplatform.us/" {
		t.Errorf("override ignored: %s", p.Resource)
	}
	if a, ok := r.ForHost("127.0.0.1:8443"); !ok || a.Key != Flow {
		t.Errorf("host with port: %+v %v", a, ok)
	}
	if _, ok := r.ForHost("127.0.0.1"); ok {
		t.Error("a host without the configured port matched")
	}
	if _, err := NewRegistry(RegistryOptions{Cloud: "mars"}); err == nil {
		t.Error("unknown cloud accepted")
	}
	if _, err := NewRegistry(RegistryOptions{Cloud: "public", FlowURL: "https://same.example", GraphURL: "https://same.example"}); err == nil {
		t.Error("one host for two audiences accepted")
	}
}
