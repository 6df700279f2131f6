package flowdeck

import (
	"context"
	"time"
)

// DelegatedToken is what the token broker keeps for one user and one upstream
// audience: the access token and the refresh token that renews it. Both are
// secrets; stores keep them encrypted and nothing logs them.
type DelegatedToken struct {
	TenantID string
	UserID   string
	// Audience is the audience key of the identity registry ("flow", "powerapps", "graph").
	Audience     string
	AccessToken  string
	RefreshToken string
	// Scopes are the scopes the access token was granted.
	Scopes []string
	// ExpiresAt is when the access token expires.
	ExpiresAt time.Time
	// UpdatedAt is set by the store on every write.
	UpdatedAt time.Time
}

// TokenStore keeps delegated tokens, encrypted at rest.
type TokenStore interface {
	// PutToken inserts or replaces the token for (tenant, user, audience).
	PutToken(ctx context.Context, t DelegatedToken) error
	// GetToken returns the token for (tenant, user, audience), or ErrNotFound.
	GetToken(ctx context.Context, tenantID, userID, audience string) (DelegatedToken, error)
	// DeleteTokens removes every token of the user (sign-out). Deleting nothing is not an error.
	DeleteTokens(ctx context.Context, tenantID, userID string) error
	// EvictAccessToken forgets the access token of (tenant, user, audience)
	// if it is still accessToken (an upstream API refused it), keeping the
	// refresh token; it reports whether it did. A token replaced in the
	// meantime (by another replica) is left alone.
	EvictAccessToken(ctx context.Context, tenantID, userID, audience, accessToken string) (bool, error)
}
