package config

// cloud holds the default endpoints of one Microsoft cloud. The identity
// package maps API hosts to token audiences; this table only supplies the
// default base URLs an operator may override.
type cloud struct {
	authority, botMetadata, flow, powerApps, bap, graph string
}

// clouds are the supported clouds, by the value of FLOWDECK_CLOUD
// (hosts from powerplatform-api.md §2).
var clouds = map[string]cloud{
	"public": {
		authority:   "https://login.microsoftonline.com",
		botMetadata: "https://login.botframework.com/v1/.well-known/openidconfiguration",
		flow:        "https://api.flow.microsoft.com",
		powerApps:   "https://api.powerapps.com",
		bap:         "https://api.bap.microsoft.com",
		graph:       "https://graph.microsoft.com",
	},
	"gcc": {
		authority:   "https://login.microsoftonline.com",
		botMetadata: "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
		flow:        "https://gov.api.flow.microsoft.us",
		powerApps:   "https://gov.api.powerapps.us",
		bap:         "https://gov.api.bap.microsoft.us",
		graph:       "https://graph.microsoft.com",
	},
	"gcchigh": {
		authority:   "https://login.microsoftonline.us",
		botMetadata: "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
		flow:        "https://high.api.flow.microsoft.us",
		powerApps:   "https://high.api.powerapps.us",
		bap:         "https://high.api.bap.microsoft.us",
		graph:       "https://graph.microsoft.us",
	},
	"dod": {
		authority:   "https://login.microsoftonline.us",
		botMetadata: "https://login.botframework.azure.us/v1/.well-known/openidconfiguration",
		flow:        "https://api.flow.appsplatform.us",
		powerApps:   "https://api.apps.appsplatform.us",
		bap:         "https://api.bap.appsplatform.us",
		graph:       "https://dod-graph.microsoft.us",
	},
	"china": {
		authority:   "https://login.chinacloudapi.cn",
		botMetadata: "https://login.botframework.azure.cn/v1/.well-known/openidconfiguration",
		flow:        "https://api.powerautomate.cn",
		powerApps:   "https://api.powerapps.cn",
		bap:         "https://api.bap.partner.microsoftonline.cn",
		graph:       "https://microsoftgraph.chinacloudapi.cn",
	},
}

// Clouds returns the valid values of FLOWDECK_CLOUD.
func Clouds() []string { return []string{"public", "gcc", "gcchigh", "dod", "china"} }
