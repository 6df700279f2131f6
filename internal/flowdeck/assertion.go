package flowdeck

import "context"

type assertionKey struct{}

// WithAssertion returns a context that carries raw, the verified inbound SSO
// token the request arrived with. The token broker presents it as the
// assertion of the On-Behalf-Of exchange.
//
// The assertion is a secret (a bearer credential for our API): it must never
// be logged, put in an error, a response, or stored anywhere but the OBO
// request body.
func WithAssertion(ctx context.Context, raw string) context.Context {
	return context.WithValue(ctx, assertionKey{}, raw)
}

// AssertionFrom returns the SSO assertion carried by ctx, if any. The value is
// a secret; see WithAssertion.
func AssertionFrom(ctx context.Context) (string, bool) {
	raw, ok := ctx.Value(assertionKey{}).(string)
	return raw, ok && raw != ""
}
