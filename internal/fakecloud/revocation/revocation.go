// Package revocation is the local cloud's record of revoked sign-in
// sessions, shared by the fake resource APIs (Power Platform, Graph): after
// RevokeTokens(tenant, user), every access token of that user issued up to
// that moment is refused, as a resource that enforces Entra's revocation
// events does. Entra's revokeSignInSessions "invalidates all the refresh
// tokens … by resetting the signInSessionsValidFromDateTime user property to
// the current date-time" (https://learn.microsoft.com/graph/api/user-revokesigninsessions),
// and Continuous Access Evaluation carries that event to the resource
// providers, which then reject the access tokens issued before it
// (https://learn.microsoft.com/entra/identity/conditional-access/concept-continuous-access-evaluation).
package revocation

import (
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// List holds, per user, the time from which access tokens are valid again.
// The zero value is ready to use.
type List struct {
	mu sync.Mutex
	m  map[key]time.Time
}

type key struct{ tenant, user string }

// Revoke refuses every access token of the user issued at or before at. A
// token's iat has a resolution of one second, so a token issued in the same
// second as the revocation is refused too (the stricter reading; Entra
// documents no finer rule): a test that wants a fresh token to pass lets its
// clock move past that second.
func (l *List) Revoke(tenant, user string, at time.Time) {
	l.RevokeBefore(tenant, user, at.Truncate(time.Second).Add(time.Second))
}

// RevokeBefore refuses every access token of the user issued before from
// ("tokens issued before T are invalid"); from may lie in the future, to
// refuse the fresh tokens too.
func (l *List) RevokeBefore(tenant, user string, from time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[key]time.Time{}
	}
	k := key{strings.ToLower(tenant), strings.ToLower(user)}
	if from.After(l.m[k]) {
		l.m[k] = from
	}
}

// Clear forgets every revocation.
func (l *List) Clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.m)
}

// Revoked reports whether a token with these claims (tid, oid, iat) was
// issued before its user's revocation, and from when tokens are valid again.
// A token without iat counts as revoked when its user has a revocation.
func (l *List) Revoked(claims jwt.MapClaims) (validFrom time.Time, revoked bool) {
	tid, _ := claims["tid"].(string)
	oid, _ := claims["oid"].(string)
	l.mu.Lock()
	from, ok := l.m[key{strings.ToLower(tid), strings.ToLower(oid)}]
	l.mu.Unlock()
	if !ok {
		return time.Time{}, false
	}
	iat, err := claims.GetIssuedAt()
	if err != nil || iat == nil {
		return from, true
	}
	return from, iat.Time.Before(from)
}
