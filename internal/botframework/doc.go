// Package botframework is FlowDeck's Bot Framework channel: the inbound
// endpoint for POST /api/messages (channel-token verification as the official
// SDKs do it, activity decoding, synchronous invoke responses) and the Bot
// Connector client for replies and proactive messages (app-only token,
// per-conversation rate limits, retries, the message size limit).
//
// The wire types come from github.com/infracloudio/msbotbuilder-go/schema;
// that module's adapter and auth packages are not used.
package botframework
