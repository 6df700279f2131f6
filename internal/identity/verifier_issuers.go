package identity

import (
	"fmt"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// Issuers are the issuer prefixes of one Microsoft cloud's Entra ID. A token
// of tenant tid must carry V1Prefix+tid+"/" (ver 1.0) or
// V2Prefix+tid+"/v2.0" (ver 2.0).
type Issuers struct {
	// V1Prefix is the v1 issuer up to the tenant id, e.g. https://sts.windows.net/.
	V1Prefix string
	// V2Prefix is the v2 issuer up to the tenant id, e.g. https://login.microsoftonline.com/.
	V2Prefix string
}

// V1 returns the v1 issuer of tenant tid.
func (i Issuers) V1(tid string) string { return i.V1Prefix + tid + "/" }

// V2 returns the v2 issuer of tenant tid.
func (i Issuers) V2(tid string) string { return i.V2Prefix + tid + "/v2.0" }

// CloudIssuers returns the issuers of a cloud named as FLOWDECK_CLOUD names
// it, from the cloud table (internal/cloud): public and gcc sign in at the
// public Entra ID, gcchigh and dod at login.microsoftonline.us (v1 tokens
// keep sts.windows.net), china at 21Vianet's.
func CloudIssuers(name string) (Issuers, error) {
	if name == "" {
		name = cloud.Public
	}
	cl, ok := cloud.Get(name)
	if !ok {
		return Issuers{}, fmt.Errorf("identity: unknown cloud %q", name)
	}
	return Issuers{V1Prefix: cl.EntraV1Issuer, V2Prefix: cl.EntraV2Issuer}, nil
}

// DefaultClientApps returns the Microsoft client ids that may present a Teams
// SSO token to FlowDeck (azp/appid): Teams desktop/mobile and web, Microsoft
// 365 web and desktop, Outlook desktop, web and mobile.
func DefaultClientApps() []string {
	return []string{
		"1fec8e78-bce4-4aaf-ab1b-5451cc387264", // Teams desktop / mobile
		"5e3ce6c0-2b1f-4285-8d4b-75ee78787346", // Teams web
		"4765445b-32c6-49b0-83e6-1d93765276ca", // Microsoft 365 web
		"0ec893e0-5785-4de6-99da-4ed124e5296c", // Microsoft 365 desktop
		"d3590ed6-52b3-4102-aeff-aad2292ab01c", // Outlook desktop
		"bc59ab01-8403-45c6-8796-ac3ef710b3e3", // Outlook web
		"27922004-5251-4030-b22d-91ecd9a37ea4", // Outlook mobile
	}
}
