// Package demo is the directory of the demo tenant that every fake of the local
// cloud shares: the tenants, users and app registration that `flowdeck dev`
// and the tests sign in with, so that the fake Entra ID, the fake Power Platform
// and the fake Teams client agree on who is who.
package demo

// The demo organisation and a second, foreign tenant (for tenant-isolation tests).
const (
	// TenantID is Contoso, the home tenant of the demo deployment.
	TenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	// TenantDomain is Contoso's verified domain.
	TenantDomain = "contoso.onmicrosoft.com"
	// OtherTenantID is Fabrikam, a tenant FlowDeck is not configured for.
	OtherTenantID = "3b3c2b7a-6f0e-4a63-9a2e-6f0d7c1a9e55"
	// OtherTenantDomain is Fabrikam's verified domain.
	OtherTenantDomain = "fabrikam.onmicrosoft.com"
)

// The demo FlowDeck app registration (the Entra app that is also the bot).
const (
	// ClientID is the application (client) id, which is also the bot id.
	ClientID = "5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b"
	// TeamsCatalogAppID is the id the demo tenant's Teams app catalog gave
	// FlowDeck (the manifest's id is ClientID).
	TeamsCatalogAppID = "c47a1f0e-8b2d-4e3a-9f6c-1a2b3c4d5e6f"
	// ClientSecret is the demo app's client secret. It exists only in the local cloud.
	ClientSecret = "demo-secret-not-for-production"
	// Host is the demo public host; the Application ID URI derives from it.
	Host = "127.0.0.1:3978"
	// AppIDURI is the Application ID URI, the audience of Teams SSO tokens.
	AppIDURI = "api://" + Host + "/botid-" + ClientID
)

// Microsoft's first-party client ids that Teams SSO tokens carry in azp/appid.
const (
	TeamsDesktopClientID = "1fec8e78-bce4-4aaf-ab1b-5451cc387264"
	TeamsWebClientID     = "5e3ce6c0-2b1f-4285-8d4b-75ee78787346"
	M365WebClientID      = "4765445b-32c6-49b0-83e6-1d93765276ca"
	M365DesktopClientID  = "0ec893e0-5785-4de6-99da-4ed124e5296c"
	OutlookDesktopID     = "d3590ed6-52b3-4102-aeff-aad2292ab01c"
	OutlookWebClientID   = "bc59ab01-8403-45c6-8796-ac3ef710b3e3"
)

// User is a person of a demo tenant.
type User struct {
	// ID is the Entra object id (oid).
	ID       string
	TenantID string
	Name     string
	// UPN is the user principal name.
	UPN string
	// JobTitle appears on the Graph profile.
	JobTitle string
}

// Users returns the demo users: Contoso's makers and approvers, and one
// Fabrikam user. The first user is the one `flowdeck dev` signs in as.
func Users() []User {
	return []User{
		{ID: "a1b2c3d4-0001-4a5b-8c9d-000000000001", TenantID: TenantID, Name: "Adele Vance", UPN: "adelev@" + TenantDomain, JobTitle: "Retail Manager"},
		{ID: "a1b2c3d4-0002-4a5b-8c9d-000000000002", TenantID: TenantID, Name: "Megan Bowen", UPN: "meganb@" + TenantDomain, JobTitle: "Marketing Manager"},
		{ID: "a1b2c3d4-0003-4a5b-8c9d-000000000003", TenantID: TenantID, Name: "Alex Wilber", UPN: "alexw@" + TenantDomain, JobTitle: "Marketing Assistant"},
		{ID: "a1b2c3d4-0004-4a5b-8c9d-000000000004", TenantID: TenantID, Name: "Diego Siciliani", UPN: "diegos@" + TenantDomain, JobTitle: "HR Manager"},
		{ID: "a1b2c3d4-0005-4a5b-8c9d-000000000005", TenantID: TenantID, Name: "Lynne Robbins", UPN: "lynner@" + TenantDomain, JobTitle: "Planner"},
		{ID: "a1b2c3d4-0006-4a5b-8c9d-000000000006", TenantID: TenantID, Name: "Nestor Wilke", UPN: "nestorw@" + TenantDomain, JobTitle: "Director"},
		{ID: "b7c8d9e0-0101-4f2a-9b3c-000000000101", TenantID: OtherTenantID, Name: "Fabrikam Maker", UPN: "maker@" + OtherTenantDomain, JobTitle: "Developer"},
	}
}

// UsersOf returns the demo users of one tenant.
func UsersOf(tenantID string) []User {
	var out []User
	for _, u := range Users() {
		if u.TenantID == tenantID {
			out = append(out, u)
		}
	}
	return out
}
