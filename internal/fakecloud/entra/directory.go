package entra

import (
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// Tenant is an Entra tenant (directory) of the fake.
type Tenant struct {
	// ID is the tenant id (tid).
	ID string
	// Domain is the tenant's verified domain, e.g. contoso.onmicrosoft.com. An
	// authority may name the tenant by it.
	Domain string
	// Name is the display name.
	Name string
}

// App is an app registration (and its service principal in every tenant of
// the fake: apps are multi-tenant).
type App struct {
	// ClientID is the application (client) id.
	ClientID string
	// Name is the display name that AADSTS messages and consent pages show.
	Name string
	// Secrets are the valid client secrets; more than one during rotation.
	Secrets []string
	// Certificates are the registered certificate credentials (keyCredentials);
	// a client assertion must be signed by one of them. See AddCertificate.
	Certificates []*x509.Certificate
	// AppIDURIs are the Application ID URIs (valid OBO assertion audiences,
	// besides ClientID).
	AppIDURIs []string
	// Required lists the resources and delegated scopes the app requires
	// (requiredResourceAccess). Delegated tokens for any other resource fail
	// with AADSTS650057.
	Required []RequiredResource
	// PreAuthorized are the client app ids pre-authorized for the app's
	// access_as_user scope (the Teams, Microsoft 365 and Outlook clients).
	PreAuthorized []string
	// RedirectURIs are the registered reply URLs.
	RedirectURIs []string
}

// RequiredResource is one entry of an app's required resource access.
type RequiredResource struct {
	// Resource is the resource identifier, e.g. FlowResource.
	Resource string
	// Scopes are the delegated permissions the app requires.
	Scopes []string
	// Roles are application permissions; they appear in app-only tokens
	// (treated as admin-consented).
	Roles []string
}

// Resource is a resource application (an API) that tokens can be issued for.
type Resource struct {
	// ID is the canonical resource identifier, e.g. "https://service.flow.microsoft.com/".
	ID string
	// AppID is the resource's application id.
	AppID string
	// Name is its display name, e.g. "Microsoft Flow Service".
	Name string
	// Audience is the aud claim of its access tokens; default ID.
	Audience string
	// Scopes maps each delegated scope it exposes to a plain-words description
	// for the consent page.
	Scopes map[string]string
}

// Resource identifiers of the first-party APIs in the public cloud (with
// Options.Cloud set, the fake uses that cloud's audiences instead).
const (
	// FlowResource is Power Automate (Microsoft Flow Service).
	FlowResource = "https://service.flow.microsoft.com/"
	// PowerAppsResource is the PowerApps Service (also BAP).
	PowerAppsResource = "https://service.powerapps.com/"
	// GraphResource is Microsoft Graph.
	GraphResource = "https://graph.microsoft.com/"
	// BotFrameworkResource is the Bot Framework (app-only tokens for the connector).
	BotFrameworkResource = "https://api.botframework.com"
)

// AccessAsUser is the scope the app exposes for Teams SSO.
const AccessAsUser = "access_as_user"

// DemoRedirectURI is the demo app's registered redirect URI.
const DemoRedirectURI = "http://127.0.0.1:3978/auth/end"

// firstPartyResources are the first-party APIs of a cloud (cloud.Public when
// cl is the zero value): Power Automate, Power Apps (and BAP), Graph and the
// Bot Framework, each identified by the cloud's audience.
func firstPartyResources(cl cloud.Cloud) []Resource {
	flow, pa, gr := FlowResource, PowerAppsResource, GraphResource
	if cl.FlowAudience != "" {
		flow, pa, gr = cl.FlowAudience, cl.PowerAppsAudience, cl.GraphAudience
	}
	return []Resource{
		// The Flow Service app id is the same in every cloud (powerplatform-api.md §1.1, unverified outside public).
		{ID: flow, AppID: "7df0a125-d3be-4c96-aa54-591f83ff541c", Name: "Microsoft Flow Service", Scopes: map[string]string{
			"User":                 "Access Power Automate as you",
			"Flows.Read.All":       "Read your flows and their runs",
			"Flows.Manage.All":     "Manage your flows: turn them on or off, resubmit and cancel runs",
			"Activity.Read.All":    "Read your flow activity and run history",
			"Approvals.Read.All":   "Read your approvals",
			"Approvals.Manage.All": "Respond to and manage your approvals",
			"Flows.Read.Plans":     "Read flow plans",
			"Flows.Write.Plans":    "Write flow plans",
		}},
		{ID: pa, AppID: "475226c6-020e-4fb2-8a90-7a972cbfc1d4", Name: "PowerApps Service", Scopes: map[string]string{
			"User": "Access Power Apps, environments and connections as you",
		}},
		{ID: gr, AppID: "00000003-0000-0000-c000-000000000000", Name: "Microsoft Graph", Scopes: map[string]string{
			"User.Read":          "Sign you in and read your profile",
			"User.ReadBasic.All": "Read the basic profiles of people in your organisation",
			// Optional permissions an administrator may grant FlowDeck.
			"TeamsAppInstallation.ReadWriteSelfForUser": "Allow the Teams app to read, install, upgrade, and uninstall itself for you",
			"TeamsActivity.Send":                        "Send a teamwork activity as you",
		}},
		// The Bot Framework's resource app id is not in the references; this one is made up.
		{ID: BotFrameworkResource, AppID: "7e4e2d70-2e0f-4fea-8ae2-8d3a0e1a0a36", Name: "Bot Framework", Scopes: map[string]string{}},
	}
}

// oidcScopes are the scopes that need no consent and name no resource.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "email": true, "offline_access": true}

// resolveTenant maps a tenant id or domain to the tenant (mu held).
func (s *Server) resolveTenant(idOrDomain string) (*Tenant, bool) {
	key := strings.ToLower(idOrDomain)
	if t, ok := s.tenants[key]; ok {
		return t, true
	}
	for _, t := range s.tenants {
		if strings.EqualFold(t.Domain, idOrDomain) {
			return t, true
		}
	}
	return nil, false
}

// resource finds a resource by identifier, accepting it with or without the
// trailing slash and by app id (mu held): Entra resolves the service
// principal loosely, while the token's aud keeps the text as requested
// (learn.microsoft.com/en-us/entra/identity-platform/msal-v1-app-scopes).
func (s *Server) resource(id string) (*Resource, bool) {
	want := strings.TrimSuffix(strings.ToLower(id), "/")
	for _, r := range s.resources {
		if strings.TrimSuffix(strings.ToLower(r.ID), "/") == want || strings.EqualFold(r.AppID, id) {
			return r, true
		}
	}
	return nil, false
}

// required returns the app's entry for resource r, if any.
func (a *App) required(r *Resource) (RequiredResource, bool) {
	for _, rr := range a.Required {
		if strings.TrimSuffix(strings.ToLower(rr.Resource), "/") == strings.TrimSuffix(strings.ToLower(r.ID), "/") {
			return rr, true
		}
	}
	return RequiredResource{}, false
}

func (a *App) requiredAppIDs() string {
	ids := make([]string, 0, len(a.Required))
	for _, rr := range a.Required {
		ids = append(ids, rr.Resource)
	}
	return strings.Join(ids, ", ")
}

// isAudience reports whether aud names the app (client id or an Application ID URI).
func (a *App) isAudience(aud string) bool {
	if strings.EqualFold(aud, a.ClientID) {
		return true
	}
	return slices.Contains(a.AppIDURIs, aud)
}

// AddTenant adds a tenant to the directory.
func (s *Server) AddTenant(t Tenant) error {
	if t.ID == "" {
		return errors.New("entra: tenant id is empty")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tenants[strings.ToLower(t.ID)] = &t
	return nil
}

// AddUser adds a user to its tenant, which must exist.
func (s *Server) AddUser(u demo.User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tenants[strings.ToLower(u.TenantID)]; !ok {
		return fmt.Errorf("entra: add user %s: unknown tenant %s", u.ID, u.TenantID)
	}
	if u.ID == "" {
		return errors.New("entra: user id is empty")
	}
	s.users[userKey{strings.ToLower(u.TenantID), strings.ToLower(u.ID)}] = u
	return nil
}

// AddApp registers an app (replacing one with the same client id).
func (s *Server) AddApp(a App) error {
	if a.ClientID == "" {
		return errors.New("entra: app client id is empty")
	}
	a.Secrets = slices.Clone(a.Secrets)
	a.Certificates = slices.Clone(a.Certificates)
	a.AppIDURIs = slices.Clone(a.AppIDURIs)
	a.Required = slices.Clone(a.Required)
	a.PreAuthorized = slices.Clone(a.PreAuthorized)
	a.RedirectURIs = slices.Clone(a.RedirectURIs)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[strings.ToLower(a.ClientID)] = &a
	return nil
}

// AddResource registers a resource application (an API).
func (s *Server) AddResource(r Resource) error {
	if r.ID == "" || r.AppID == "" {
		return errors.New("entra: resource needs an ID and an AppID")
	}
	if r.Audience == "" {
		r.Audience = r.ID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resources[r.ID] = &r
	return nil
}

// AddRedirectURI registers one more redirect URI for an app.
func (s *Server) AddRedirectURI(clientID, uri string) error {
	return s.editApp(clientID, func(a *App) {
		if !slices.Contains(a.RedirectURIs, uri) {
			a.RedirectURIs = append(a.RedirectURIs, uri)
		}
	})
}

// AddAppIDURI adds an Application ID URI to an app, as an admin does when the
// app's public host changes; SSO assertions may then carry it as audience.
func (s *Server) AddAppIDURI(clientID, uri string) error {
	return s.editApp(clientID, func(a *App) {
		if !slices.Contains(a.AppIDURIs, uri) {
			a.AppIDURIs = append(a.AppIDURIs, uri)
		}
	})
}

// AddSecret adds a client secret to an app (secret rotation: both stay valid).
func (s *Server) AddSecret(clientID, secret string) error {
	return s.editApp(clientID, func(a *App) { a.Secrets = append(a.Secrets, secret) })
}

// RemoveSecret removes a client secret from an app.
func (s *Server) RemoveSecret(clientID, secret string) error {
	return s.editApp(clientID, func(a *App) {
		a.Secrets = slices.DeleteFunc(a.Secrets, func(x string) bool { return x == secret })
	})
}

func (s *Server) editApp(clientID string, f func(*App)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[strings.ToLower(clientID)]
	if !ok {
		return fmt.Errorf("entra: unknown app %s", clientID)
	}
	f(a)
	return nil
}

// DemoApp returns the registration of the demo FlowDeck app in the public cloud.
func DemoApp() App { return demoApp(firstPartyResources(cloud.Cloud{})) }

// DemoAppIn returns the registration of the demo FlowDeck app in the named
// cloud (cloud.Public, cloud.GCC, …): its required resources are that
// cloud's. An unknown name gives the public cloud's.
func DemoAppIn(name string) App {
	cl, _ := cloud.Get(name)
	return demoApp(firstPartyResources(cl))
}

func demoApp(res []Resource) App {
	flow, pa, gr := res[0].ID, res[1].ID, res[2].ID
	return App{
		ClientID:  demo.ClientID,
		Name:      "FlowDeck",
		Secrets:   []string{demo.ClientSecret},
		AppIDURIs: []string{demo.AppIDURI, "api://botid-" + demo.ClientID},
		Required: []RequiredResource{
			{Resource: flow, Scopes: []string{"Flows.Read.All", "Flows.Manage.All", "Activity.Read.All", "Approvals.Read.All", "Approvals.Manage.All"}},
			{Resource: pa, Scopes: []string{"User"}},
			{Resource: gr, Scopes: []string{"User.Read", "User.ReadBasic.All"}, Roles: []string{"TeamsActivity.Send"}},
			{Resource: BotFrameworkResource},
		},
		PreAuthorized: []string{
			demo.TeamsDesktopClientID, demo.TeamsWebClientID, demo.M365WebClientID,
			demo.M365DesktopClientID, demo.OutlookDesktopID, demo.OutlookWebClientID,
		},
		RedirectURIs: []string{DemoRedirectURI},
	}
}

// loadDemo loads the demo tenants, users and app.
func (s *Server) loadDemo() error {
	for _, t := range []Tenant{
		{ID: demo.TenantID, Domain: demo.TenantDomain, Name: "Contoso"},
		{ID: demo.OtherTenantID, Domain: demo.OtherTenantDomain, Name: "Fabrikam"},
	} {
		if err := s.AddTenant(t); err != nil {
			return err
		}
	}
	for _, u := range demo.Users() {
		if err := s.AddUser(u); err != nil {
			return err
		}
	}
	return s.AddApp(demoApp(firstPartyResources(s.cloud)))
}

// GrantAllDemoConsent grants tenant-wide (admin) consent, in both demo
// tenants, for every delegated scope the demo app requires. The dev host uses
// it; tests grant consent explicitly.
func (s *Server) GrantAllDemoConsent() {
	app := demoApp(firstPartyResources(s.cloud))
	for _, tid := range []string{demo.TenantID, demo.OtherTenantID} {
		for _, rr := range app.Required {
			if len(rr.Scopes) > 0 {
				s.GrantAdminConsent(tid, app.ClientID, rr.Resource, rr.Scopes...)
			}
		}
	}
}
