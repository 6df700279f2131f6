// Package localcloud runs FlowDeck against its local cloud: every remote
// party (Entra ID, Power Platform, Graph, the Bot Connector and the Teams
// clients) played by the fakes in internal/fakecloud on loopback over TLS
// signed by one throwaway CA, with consent granted as an admin would.
//
// `flowdeck dev` uses Start, DevHost and SeedDemo; the system tests and the
// load test use Stack: FlowDeck as `serve` runs it (channel tokens verified,
// no dev shortcuts) with a Teams client driver that signs activities as the
// Bot Connector does.
package localcloud
