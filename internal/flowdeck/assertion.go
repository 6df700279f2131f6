package flowdeck

import (
	"context"
	"fmt"
	"log/slog"
)

// Assertion is the caller's verified Teams SSO token: the assertion the
// token broker presents in the On-Behalf-Of exchange. It travels as this one
// type from where it is verified to where it is exchanged:
//
//	server.authenticate (tab API) or the bot's sign-in (signin/tokenExchange)
//	  → WithAssertion(ctx, a)
//	  → upstream's transport asks the TokenSource for the request's audience
//	  → identity.Broker.Token reads AssertionFrom(ctx) and exchanges it (OBO)
//
// The token is a bearer credential for FlowDeck's API, so an Assertion never
// shows it: String, GoString, Format (every fmt verb), LogValue, MarshalJSON
// and MarshalText all print "[redacted]". Only Token returns it, for the body
// of the OBO request. The zero Assertion carries no token.
type Assertion struct {
	raw string
}

// redacted is what an Assertion prints instead of its token.
const redacted = "[redacted]"

// NewAssertion returns the Assertion of raw, a Teams SSO token that has just
// been verified (identity.Verifier). "" gives the zero Assertion.
func NewAssertion(raw string) Assertion { return Assertion{raw: raw} }

// IsZero reports whether a carries no token.
func (a Assertion) IsZero() bool { return a.raw == "" }

// Token returns the raw token, for the assertion parameter of the
// On-Behalf-Of request and nothing else: never log it, put it in an error,
// a URL, a response or the store.
func (a Assertion) Token() string { return a.raw }

// String implements fmt.Stringer without the token.
func (a Assertion) String() string {
	if a.raw == "" {
		return "[none]"
	}
	return redacted
}

// GoString implements fmt.GoStringer (%#v) without the token.
func (a Assertion) GoString() string { return "flowdeck.Assertion(" + a.String() + ")" }

// Format implements fmt.Formatter: every verb (%v, %+v, %s, %q, %x, %d, …)
// prints String, never the token.
func (a Assertion) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(a.GoString()))
		return
	}
	_, _ = f.Write([]byte(a.String()))
}

// LogValue implements slog.LogValuer without the token.
func (a Assertion) LogValue() slog.Value { return slog.StringValue(a.String()) }

// MarshalJSON implements json.Marshaler without the token.
func (a Assertion) MarshalJSON() ([]byte, error) { return []byte(`"` + a.String() + `"`), nil }

// MarshalText implements encoding.TextMarshaler without the token.
func (a Assertion) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

type assertionKey struct{}

// WithAssertion returns a context that carries a, the verified SSO token the
// request arrived with, for the token broker's On-Behalf-Of exchange (see
// Assertion for the whole path). A zero a leaves ctx as it is.
func WithAssertion(ctx context.Context, a Assertion) context.Context {
	if a.IsZero() {
		return ctx
	}
	return context.WithValue(ctx, assertionKey{}, a)
}

// AssertionFrom returns the assertion carried by ctx, if any.
func AssertionFrom(ctx context.Context) (Assertion, bool) {
	a, ok := ctx.Value(assertionKey{}).(Assertion)
	return a, ok && !a.IsZero()
}
