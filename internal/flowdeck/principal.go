package flowdeck

import "context"

// Principal is a signed-in user, identified by tenant and Entra object id.
// It is what inbound token verification produces and what every operation
// runs as.
type Principal struct {
	// TenantID is the user's Entra tenant id (tid claim).
	TenantID string
	// UserID is the user's Entra object id (oid claim, aadObjectId in Teams).
	UserID string
	// Name is the display name, when known. It is never used for decisions.
	Name string
	// UPN is the user principal name or preferred_username, when known.
	UPN string
}

// Valid reports whether p names a user.
func (p Principal) Valid() bool { return p.TenantID != "" && p.UserID != "" }

type principalKey struct{}

// WithPrincipal returns a context that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal carried by ctx, if any.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
