// Package botframework is FlowDeck's Bot Framework channel: the inbound
// endpoint for POST /api/messages (channel-token verification as the official
// SDKs do it — the cloud's Bot Framework issuer and the Entra issuers of the
// bot's tenant and the Microsoft service tenants, issuers.go — the serviceUrl
// host check, activity decoding, synchronous invoke responses) and the Bot
// Connector client for replies and proactive messages (app-only token,
// per-conversation rate limits, retries, the message size limit, the
// serviceUrl hosts it sends its token to).
//
// The wire types come from github.com/infracloudio/msbotbuilder-go/schema;
// that module's adapter and auth packages are not used.
package botframework
