package cloud

import "slices"

// botCloud is one cloud's Bot Framework and Teams values; Get copies them
// into Cloud's Bot Framework block.
type botCloud struct {
	openIDMetadata, channelIssuer, scope string
	entraV1, entraV2                     string
	serviceTenants, serviceURLHosts      []string
	teamsHost                            string
	frameAncestors                       []string
	unverified                           []string
}

// Microsoft service tenants in the Microsoft 365 Agents SDK's default issuer
// list (microsoft/Agents-for-net src/samples/Shared/AspNetExtensions.cs,
// microsoft/Agents-for-js packages/agents-hosting/src/auth/jwt-middleware.ts
// WELL_KNOWN_PUBLIC_TENANT_IDS): the tenants of the Bot Framework's own
// callers — the Emulator and skills (Auth v3.1 and v3.2 tokens, labelled so
// in microsoft/botbuilder-dotnet libraries/Microsoft.Bot.Connector/
// Authentication/EmulatorValidation.cs), Copilot (labelled "Copilot Auth" in
// microsoft/teams.net TeamsValidationSettings.cs), and Azure Government's
// service tenant.
const (
	// TenantBotFramework is botframework.com (Emulator Auth v3.1).
	TenantBotFramework = "d6d49420-f39b-4df7-a1dc-d59a935871db"
	// TenantMicrosoftServices is Emulator Auth v3.2 (MicrosoftServices).
	TenantMicrosoftServices = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
	// TenantCopilot is Copilot's service tenant.
	TenantCopilot = "69e9b82d-4842-4902-8d1e-abc5b98a55e8"
	// TenantGovServices is Azure Government's service tenant (Auth for US Gov).
	TenantGovServices = "cab8a31a-1906-4287-a0d8-4eef66b95f6e"
)

// publicBot is the public Azure Bot Service: issuer, metadata and scope from
// microsoft/Agents-for-net src/libraries/Core/Microsoft.Agents.Authentication/
// AuthenticationConstants.cs (BotFrameworkTokenIssuer,
// PublicAzureBotServiceOpenIdMetadataUrl, BotFrameworkDefaultScope).
var publicBot = botCloud{
	openIDMetadata: "https://login.botframework.com/v1/.well-known/openidconfiguration",
	channelIssuer:  "https://api.botframework.com",
	scope:          "https://api.botframework.com/.default",
	entraV1:        "https://sts.windows.net/",
	entraV2:        "https://login.microsoftonline.com/",
	serviceTenants: []string{TenantBotFramework, TenantMicrosoftServices, TenantCopilot},
	// Teams' regional serviceUrls (smba.trafficmanager.net/amer/, /emea/,
	// /teams/): learn.microsoft.com/microsoftteams/platform/bots/how-to/
	// conversations/send-proactive-messages; Agents-for-js TeamsServiceEndpoints.
	serviceURLHosts: []string{"smba.trafficmanager.net"},
	teamsHost:       "teams.microsoft.com",
	// Teams, Outlook and the Microsoft 365 app frame a tab from these hosts
	// (outlook-sdf.* fall under *.office.com and *.office365.com):
	// learn.microsoft.com/microsoftteams/platform/tabs/how-to/tab-requirements.
	frameAncestors: []string{
		"https://teams.microsoft.com", "https://*.teams.microsoft.com", "https://local.teams.office.com",
		"https://teams.cloud.microsoft", "https://*.cloud.microsoft",
		"https://*.office.com", "https://*.office365.com", "https://*.microsoft365.com",
		"https://outlook.office.com", "https://outlook.office365.com", "https://*.outlook.com",
	},
}

// govBot is the Azure Government Bot Service, which GCC High and DoD use
// ("Bots in Azure Government that connect to Microsoft Teams must use the …
// GCC High environment": learn.microsoft.com/azure/bot-service/
// how-to-deploy-gov-cloud-high); values from Agents-for-net
// AuthenticationConstants.cs (GovBotFrameworkTokenIssuer,
// GovAzureBotServiceOpenIdMetadataUrl, GovBotFrameworkDefaultScope,
// ValidGovernmentTokenIssuerUrlTemplateV2) and AspNetExtensions.cs (IsGov).
func govBot(serviceURLHost, teamsHost string) botCloud {
	return botCloud{
		openIDMetadata: "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
		channelIssuer:  "https://api.botframework.us",
		scope:          "https://api.botframework.us/.default",
		entraV1:        "https://sts.windows.net/",
		entraV2:        "https://login.microsoftonline.us/",
		serviceTenants: []string{TenantGovServices},
		// smba.infra.gov.teams.microsoft.us (GCC High) and
		// smba.infra.dod.teams.microsoft.us (DoD): Agents-for-js
		// TeamsServiceEndpoints; send-proactive-messages.
		serviceURLHosts: []string{serviceURLHost},
		teamsHost:       teamsHost,
		// The Teams clients of GCC High and DoD; Outlook and Microsoft 365
		// hosts of the US government clouds are unverified.
		frameAncestors: []string{
			"https://" + teamsHost, "https://*.teams.microsoft.us",
			"https://*.office365.us", "https://*.microsoft365.us",
		},
		unverified: []string{"FrameAncestors"},
	}
}

// botTable holds every cloud's Bot Framework values.
var botTable = map[string]botCloud{
	Public: publicBot,
	// GCC runs on the public Azure Bot Service (only GCC High and DoD use
	// Azure Government: how-to-deploy-gov-cloud-high), with its own Teams
	// serviceUrl host, smba.infra.gcc.teams.microsoft.com (Agents-for-js
	// TeamsServiceEndpoints.gcc), and the commercial Teams client.
	GCC: func() botCloud {
		b := publicBot
		b.serviceURLHosts = []string{"smba.infra.gcc.teams.microsoft.com"}
		b.unverified = []string{"BotServiceURLHosts", "TeamsHost"}
		return b
	}(),
	GCCHigh: govBot("smba.infra.gov.teams.microsoft.us", "gov.teams.microsoft.us"),
	DoD:     govBot("smba.infra.dod.teams.microsoft.us", "dod.teams.microsoft.us"),
	// China (21Vianet): issuer, metadata and scope from Agents-for-net
	// AuthenticationConstants.cs (ChinaBotFrameworkTokenIssuer,
	// ChinaAzureBotServiceOpenIdMetadataUrl, ChinaBotFrameworkDefaultScope)
	// and learn.microsoft.com/azure/bot-service/how-to-deploy-china-cloud.
	// The SDK lists no service tenant for China ("set all issuers
	// explicitly"), so none is accepted.
	China: {
		openIDMetadata:  "https://login.botframework.azure.cn/v1/.well-known/openidconfiguration",
		channelIssuer:   "https://api.botframework.azure.cn",
		scope:           "https://api.botframework.azure.cn/.default",
		entraV1:         "https://sts.chinacloudapi.cn/",
		entraV2:         "https://login.partner.microsoftonline.cn/",
		serviceURLHosts: []string{"smba.trafficmanager.cn"},
		teamsHost:       "teams.microsoftonline.cn",
		frameAncestors:  []string{"https://teams.microsoftonline.cn", "https://*.teams.microsoftonline.cn", "https://*.partner.outlook.cn"},
		unverified:      []string{"EntraV1Issuer", "EntraV2Issuer", "BotServiceURLHosts", "TeamsHost", "FrameAncestors"},
	},
}

// withBot fills c's Bot Framework block from botTable.
func withBot(c Cloud) Cloud {
	b, ok := botTable[c.Name]
	if !ok {
		return c
	}
	c.BotOpenIDMetadata, c.BotChannelIssuer, c.BotScope = b.openIDMetadata, b.channelIssuer, b.scope
	c.EntraV1Issuer, c.EntraV2Issuer = b.entraV1, b.entraV2
	c.BotServiceTenants = slices.Clone(b.serviceTenants)
	c.BotServiceURLHosts = slices.Clone(b.serviceURLHosts)
	c.TeamsHost = b.teamsHost
	c.FrameAncestors = slices.Clone(b.frameAncestors)
	c.Unverified = append(c.Unverified, b.unverified...)
	return c
}
