// Package localcloud runs FlowDeck against its local cloud: every remote
// party (Entra ID, Power Platform, Graph, the Bot Connector and the Teams
// clients) played by the fakes in internal/fakecloud on loopback over TLS
// signed by one throwaway CA, with consent granted as an admin would.
//
// `flowdeck dev` uses NewDev and SeedDemo. NewDev composes dev's FlowDeck
// through ordinary options only: the dev Teams client (DevHost) as one of
// app.Main's Mounts, and the Playground as the bot endpoint's
// botframework.Authenticator (app.Main.WrapChannel), which signs the Agents
// Playground's user in as a demo user through the SSO verifier and the
// broker's On-Behalf-Of exchange. The system tests and the
// load test use Stack: FlowDeck as `serve` runs it (channel tokens verified,
// no dev shortcuts) with a Teams client driver that signs activities as the
// Bot Connector does.
package localcloud
