// Package upstream is FlowDeck's shared outbound plumbing: the http.RoundTripper
// chain every upstream client (Power Automate, Power Apps, BAP, Graph) sends
// through, and the decoding of upstream answers into domain errors.
//
// The chain, outermost first: retry (safe methods only, exponential backoff
// with full jitter, Retry-After honoured) → per-user in-flight limit → token
// refusals (a 401 evicts the token and the request goes once more with a
// fresh one) → attempt timeout → headers and bearer token → metrics and
// logging → Base.
//
// Clients never pick an audience: the token for a request comes from the
// TokenSource for the audience key the Audiences registry gives the request's
// host, as the principal in the request's context. A host the registry does
// not know gets no token (the request fails before anything is sent), and a
// redirect to another host is sent without one.
//
// # Where the On-Behalf-Of exchange happens
//
// Not here, but on the way through here. The path of the caller's assertion:
//
//  1. server's authenticate middleware (internal/server/auth.go) verifies the
//     tab's Teams SSO token and puts it in the request context as a
//     flowdeck.Assertion (flowdeck.WithAssertion); the bot's sign-in
//     (signin/tokenExchange) hands its verified token to
//     identity.Broker.Exchange directly.
//  2. The context travels unchanged through server → ops → the Power
//     Automate, Power Apps or Graph client → this package's http.Client.
//  3. The headers-and-token layer (authorize, transport.go) asks
//     TokenSource.Token(ctx, principal, audience) — ctx still carrying the
//     assertion. This package never reads the assertion itself.
//  4. identity.Broker.Token answers from its cache or the store, renews with
//     the refresh token, and only when it has neither reads
//     flowdeck.AssertionFrom(ctx) and does the On-Behalf-Of exchange
//     (internal/identity/obo.go), the one place the token leaves the
//     Assertion.
//
// The monitor's requests carry no assertion: they live on stored tokens.
//
// A POST is never repeated. When its outcome is unclear (timeout, connection
// reset, 5xx) the error wraps ErrUnclearOutcome so that the caller re-reads
// the state before it says what happened.
package upstream
