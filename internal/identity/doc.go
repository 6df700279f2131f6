// Package identity is who FlowDeck acts as: it verifies the Teams SSO tokens
// users arrive with, maps every upstream API host to the token audience and
// delegated scopes it needs (the audience registry), and obtains those tokens
// On-Behalf-Of the user — one per audience, never an Azure management token —
// keeping them encrypted in the store for every replica and the monitor.
//
// # Where the On-Behalf-Of exchange happens
//
// In Broker, and only there: Broker.obo (obo.go) posts the jwt-bearer request
// with requested_token_use=on_behalf_of. The user's SSO token reaches it as
// one typed value, flowdeck.Assertion, whose String, Format, LogValue and
// MarshalJSON print "[redacted]"; obo.go is the one place that calls its
// Token method. It gets there two ways:
//
//   - The tab: server's authenticate middleware verifies the bearer token
//     (Verifier.Principal) and puts flowdeck.NewAssertion(raw) in the request
//     context (flowdeck.WithAssertion). The context goes through ops and the
//     upstream client to upstream's token layer, which calls Broker.Token;
//     Token reads flowdeck.AssertionFrom(ctx) when no cached, stored or
//     renewable token will do, and exchanges it.
//   - The bot: signin/tokenExchange (internal/bot) verifies the token the
//     Teams client sends and calls Broker.Exchange(ctx, p, assertion), which
//     exchanges it for every audience at once; a card's silent sign-in does
//     the same. `flowdeck dev` signs the Agents Playground's user in that way
//     too, with a token minted by the fake Entra ID.
//
// The background monitor has no assertion: it uses the stored tokens and
// their refresh tokens only.
package identity
