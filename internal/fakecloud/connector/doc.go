// Package connector is the local cloud's Bot Framework: a fake of the Bot
// Framework channel issuer (OpenID metadata and a JWKS whose keys carry
// endorsements, key rotation, channel-token signing, tenant-issued channel
// tokens signed with the fake Entra ID's keys, any cloud's issuer and
// connector audience: cloud.go), a fake Bot Connector
// (the serviceUrl the activities carry: send, reply, update, delete, create
// conversation, members; it checks the bot's app-only token, records every
// activity the bot sent, enforces Teams' documented rate limits (per
// conversation, per tenant; 429 with Retry-After, violations recorded) and
// message size, and injects 429/412/502 faults), and a Teams client driver
// that sends signed, Teams-shaped activities to a bot endpoint.
//
// Everything runs over real HTTPS on loopback. Production code never
// imports this package; tests and `flowdeck dev` do.
package connector
