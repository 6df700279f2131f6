// Package cloud is the one table of Microsoft's clouds: for each value of
// FLOWDECK_CLOUD, every host, token audience, issuer and scope FlowDeck uses
// there. Nothing else in FlowDeck hard-codes a cloud's host; configuration
// takes its defaults from here and the identity registry its audiences.
//
// Sources are named per field; a value that no public source confirms is
// listed in Unverified so the docs can say so.
package cloud

import "slices"

// Names of the supported clouds, the values of FLOWDECK_CLOUD.
const (
	Public  = "public"
	GCC     = "gcc"
	GCCHigh = "gcchigh"
	DoD     = "dod"
	China   = "china"
)

// Cloud is one Microsoft cloud's endpoints.
type Cloud struct {
	// Name is the FLOWDECK_CLOUD value.
	Name string

	// Authority is the Entra ID (login) host, e.g. https://login.microsoftonline.com.
	Authority string

	// FlowAPI, PowerAppsAPI, BAPAPI and GraphAPI are the API base URLs.
	FlowAPI, PowerAppsAPI, BAPAPI, GraphAPI string
	// FlowAudience, PowerAppsAudience and GraphAudience are the token
	// audiences, exactly as the services compare them (trailing slash included).
	FlowAudience, PowerAppsAudience, GraphAudience string

	// Bot Framework and Teams (bot.go names the source of every value).
	//
	// BotOpenIDMetadata is the Bot Framework channel's OpenID metadata URL:
	// the keys of BotChannelIssuer.
	BotOpenIDMetadata string
	// BotChannelIssuer is the iss of the channel tokens the Bot Framework
	// signs with its own keys.
	BotChannelIssuer string
	// BotScope is the scope of the bot's app-only token for the Bot Connector.
	BotScope string
	// EntraV1Issuer and EntraV2Issuer are the prefixes of a tenant's
	// Entra issuers in this cloud: v1 is EntraV1Issuer+{tid}+"/", v2 is
	// EntraV2Issuer+{tid}+"/v2.0". Teams SSO tokens carry them, and the Bot
	// Service may sign a channel token as the bot's own tenant.
	EntraV1Issuer, EntraV2Issuer string
	// BotServiceTenants are the Microsoft service tenants whose Entra issuers
	// the Microsoft 365 Agents SDK accepts by default besides the bot's tenant.
	BotServiceTenants []string
	// BotServiceURLHosts are the hosts of the serviceUrls Teams sends in this
	// cloud; the bot's token goes to no other host.
	BotServiceURLHosts []string
	// TeamsHost is the host of Teams deep links (https://{TeamsHost}/l/entity/…).
	TeamsHost string
	// FrameAncestors are the CSP frame-ancestors sources of this cloud's
	// Teams, Outlook and Microsoft 365 hosts, which frame the tab.
	FrameAncestors []string

	// FlowPortal is the Power Automate maker portal, the base of every deep
	// link FlowDeck shows (flows, runs, approvals). LegacyFlowPortal is the
	// portal's older host, which links already shared in chats still carry;
	// link unfurling must recognise both.
	FlowPortal, LegacyFlowPortal string

	// RunContentHosts are the host suffixes of the Logic Apps runtime hosts
	// that serve run content links (inputsLink/outputsLink), fetched without
	// a token. Source: Microsoft Learn, "IP address configuration" for Power
	// Automate (learn.microsoft.com/power-automate/ip-address-configuration):
	// *.logic.azure.com (public), *.logic.azure.us (GCC, GCC High, DoD),
	// *.logic.azure.cn (21Vianet). The public cloud's
	// .environment.api.powerplatform.com is unverified for content links
	// (newer ones "may sit" there).
	RunContentHosts []string

	// Unverified names the fields of this cloud that no public source confirms.
	Unverified []string
}

// table is every supported cloud. Hosts and audiences: powerplatform-api.md §2
// (the Power Apps PowerShell module's AuthModule and RestClientModule, PnP
// PowerShell's PowerPlatformUtility.cs, CLI for Microsoft 365).
//
// Portals: the older hosts (flow.microsoft.com, gov. and high.flow.microsoft.us)
// from Microsoft's "Power Automate US Government" page, "service URLs"
// (https://learn.microsoft.com/power-automate/us-govt); the make.* hosts of
// the US clouds from XrmToolBox's Flow Execution History
// (DynamicsNinja/FlowExecutionHistory, Helpers/FlowEndpointHelper.cs,
// GetMakerUrl) and the Power Automate embed SDK's allowed maker domains
// (msflowsdk.js, MakerShellAllowedDomains), which also names China's
// make.powerautomate.cn and www.powerautomate.cn and DoD's flow.appsplatform.us;
// those three have no source we can cite by repository and file, so they are
// listed as Unverified.
//
// The Bot Framework and Teams values (Teams host included) are in bot.go,
// with their sources.
var table = map[string]Cloud{
	Public: {
		Name:              Public,
		Authority:         "https://login.microsoftonline.com",
		FlowAPI:           "https://api.flow.microsoft.com",
		PowerAppsAPI:      "https://api.powerapps.com",
		BAPAPI:            "https://api.bap.microsoft.com",
		GraphAPI:          "https://graph.microsoft.com",
		FlowAudience:      "https://service.flow.microsoft.com/",
		PowerAppsAudience: "https://service.powerapps.com/",
		GraphAudience:     "https://graph.microsoft.com/",
		FlowPortal:        "https://make.powerautomate.com",
		LegacyFlowPortal:  "https://flow.microsoft.com",
		RunContentHosts:   []string{".logic.azure.com", ".environment.api.powerplatform.com"},
	},
	GCC: {
		Name:              GCC,
		Authority:         "https://login.microsoftonline.com",
		FlowAPI:           "https://gov.api.flow.microsoft.us",
		PowerAppsAPI:      "https://gov.api.powerapps.us",
		BAPAPI:            "https://gov.api.bap.microsoft.us",
		GraphAPI:          "https://graph.microsoft.com",
		FlowAudience:      "https://gov.service.flow.microsoft.us/",
		PowerAppsAudience: "https://gov.service.powerapps.us/",
		GraphAudience:     "https://graph.microsoft.com/",
		FlowPortal:        "https://make.gov.powerautomate.us",
		LegacyFlowPortal:  "https://gov.flow.microsoft.us",
		RunContentHosts:   []string{".logic.azure.us"},
		Unverified:        []string{"PowerAppsAudience"},
	},
	GCCHigh: {
		Name:              GCCHigh,
		Authority:         "https://login.microsoftonline.us",
		FlowAPI:           "https://high.api.flow.microsoft.us",
		PowerAppsAPI:      "https://high.api.powerapps.us",
		BAPAPI:            "https://high.api.bap.microsoft.us",
		GraphAPI:          "https://graph.microsoft.us",
		FlowAudience:      "https://high.service.flow.microsoft.us/",
		PowerAppsAudience: "https://high.service.powerapps.us/",
		GraphAudience:     "https://graph.microsoft.us/",
		FlowPortal:        "https://make.high.powerautomate.us",
		LegacyFlowPortal:  "https://high.flow.microsoft.us",
		RunContentHosts:   []string{".logic.azure.us"},
		Unverified:        []string{"PowerAppsAudience"},
	},
	DoD: {
		Name:              DoD,
		Authority:         "https://login.microsoftonline.us",
		FlowAPI:           "https://api.flow.appsplatform.us",
		PowerAppsAPI:      "https://api.apps.appsplatform.us",
		BAPAPI:            "https://api.bap.appsplatform.us",
		GraphAPI:          "https://dod-graph.microsoft.us",
		FlowAudience:      "https://service.flow.appsplatform.us/",
		PowerAppsAudience: "https://service.apps.appsplatform.us/",
		GraphAudience:     "https://dod-graph.microsoft.us/",
		FlowPortal:        "https://make.powerautomate.appsplatform.us",
		LegacyFlowPortal:  "https://flow.appsplatform.us",
		RunContentHosts:   []string{".logic.azure.us"},
		Unverified:        []string{"LegacyFlowPortal"},
	},
	China: {
		Name:              China,
		Authority:         "https://login.chinacloudapi.cn",
		FlowAPI:           "https://api.powerautomate.cn",
		PowerAppsAPI:      "https://api.powerapps.cn",
		BAPAPI:            "https://api.bap.partner.microsoftonline.cn",
		GraphAPI:          "https://microsoftgraph.chinacloudapi.cn",
		FlowAudience:      "https://service.powerautomate.cn/",
		PowerAppsAudience: "https://service.powerapps.cn/",
		GraphAudience:     "https://microsoftgraph.chinacloudapi.cn/",
		FlowPortal:        "https://make.powerautomate.cn",
		LegacyFlowPortal:  "https://www.powerautomate.cn",
		RunContentHosts:   []string{".logic.azure.cn"},
		Unverified:        []string{"FlowPortal", "LegacyFlowPortal"},
	},
}

// Get returns the named cloud.
func Get(name string) (Cloud, bool) {
	c, ok := table[name]
	if ok {
		c.Unverified = slices.Clone(c.Unverified)
		c.RunContentHosts = slices.Clone(c.RunContentHosts)
		c = withBot(c)
	}
	return c, ok
}

// Names returns the supported cloud names, public first.
func Names() []string { return []string{Public, GCC, GCCHigh, DoD, China} }
