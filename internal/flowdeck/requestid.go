package flowdeck

import "context"

type requestIDKey struct{}

// WithRequestID returns a context carrying the id of the inbound request it
// serves, so that logs and outbound calls can be correlated with it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
