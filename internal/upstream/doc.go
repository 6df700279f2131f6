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
// A POST is never repeated. When its outcome is unclear (timeout, connection
// reset, 5xx) the error wraps ErrUnclearOutcome so that the caller re-reads
// the state before it says what happened.
package upstream
