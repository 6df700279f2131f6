package entra

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

type userKey struct{ tenant, user string }

// consentKey identifies granted scopes, one set of permissions per user (or
// tenant-wide when user is ""), client and resource, as oauth2PermissionGrant
// records them (learn.microsoft.com/en-us/graph/api/resources/oauth2permissiongrant).
type consentKey struct{ tenant, user, client, resource string }

type mfaKey struct{ tenant, user, resource string }

func lower(s string) string { return strings.ToLower(s) }

// canonicalResource returns the canonical id of a known resource, or id itself.
func (s *Server) canonicalResource(id string) string {
	if r, ok := s.resource(id); ok {
		return r.ID
	}
	return id
}

// expandDefault replaces ".default" by the scopes the app requires on resource (mu held).
func (s *Server) expandDefault(client, resource string, scopes []string) []string {
	var out []string
	for _, sc := range scopes {
		if sc != ".default" {
			out = append(out, sc)
			continue
		}
		if app, ok := s.apps[lower(client)]; ok {
			if r, ok := s.resource(resource); ok {
				if rr, ok := app.required(r); ok {
					out = append(out, rr.Scopes...)
				}
			}
		}
	}
	return out
}

func (s *Server) grant(k consentKey, scopes []string) {
	set := s.consents[k]
	if set == nil {
		set = map[string]bool{}
		s.consents[k] = set
	}
	for _, sc := range s.expandDefault(k.client, k.resource, scopes) {
		set[sc] = true
	}
}

// GrantConsent records a user's consent for client to use scopes of resource
// (".default" = every scope the app requires on it).
func (s *Server) GrantConsent(tenant, user, client, resource string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grant(consentKey{lower(tenant), lower(user), lower(client), s.canonicalResource(resource)}, scopes)
}

// GrantAdminConsent records tenant-wide consent for client to use scopes of
// resource on behalf of every user of the tenant.
func (s *Server) GrantAdminConsent(tenant, client, resource string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.grant(consentKey{lower(tenant), "", lower(client), s.canonicalResource(resource)}, scopes)
}

// RevokeConsent withdraws a user's consent (not the tenant-wide one) for
// client on resource.
func (s *Server) RevokeConsent(tenant, user, client, resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.consents, consentKey{lower(tenant), lower(user), lower(client), s.canonicalResource(resource)})
}

// RevokeAdminConsent withdraws tenant-wide consent for client on resource.
func (s *Server) RevokeAdminConsent(tenant, client, resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.consents, consentKey{lower(tenant), "", lower(client), s.canonicalResource(resource)})
}

// ConsentedScopes returns the scopes of resource the user may delegate to
// client (own plus tenant-wide consent), sorted.
func (s *Server) ConsentedScopes(tenant, user, client, resource string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.consented(tenant, user, client, resource)
}

// consented is ConsentedScopes with mu held.
func (s *Server) consented(tenant, user, client, resource string) []string {
	res := s.canonicalResource(resource)
	seen := map[string]bool{}
	for _, u := range []string{lower(user), ""} {
		for sc := range s.consents[consentKey{lower(tenant), u, lower(client), res}] {
			seen[sc] = true
		}
	}
	out := make([]string, 0, len(seen))
	for sc := range seen {
		out = append(out, sc)
	}
	slices.Sort(out)
	return out
}

// RequireMFA sets a conditional-access policy: tokens for resource need MFA
// for this user. OBO and refresh requests whose user did not pass MFA get
// interaction_required AADSTS50076 with a claims challenge.
func (s *Server) RequireMFA(tenant, user, resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mfa[mfaKey{lower(tenant), lower(user), s.canonicalResource(resource)}] = true
}

// ClearMFA removes a policy set by RequireMFA.
func (s *Server) ClearMFA(tenant, user, resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.mfa, mfaKey{lower(tenant), lower(user), s.canonicalResource(resource)})
}

// RevokeRefreshTokens revokes every refresh token of the user (as
// revokeSignInSessions does); redeeming one then fails with AADSTS700082.
func (s *Server) RevokeRefreshTokens(tenant, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.refresh {
		if g.tenant == lower(tenant) && g.user == lower(user) {
			g.revoked = true
		}
	}
}

// checkDelegated checks that client may get a delegated token with scopes of
// r for the user (mu held): the resource is required by the app (650057),
// the scopes exist (70011), they are consented (65001), MFA policy (50076).
func (s *Server) checkDelegated(app *App, tenant, user string, r *Resource, requested string, scopes []string, mfaDone bool) ([]string, *aadErr) {
	if _, ok := app.required(r); !ok {
		return nil, errInvalidResource(app, requested, r)
	}
	for _, sc := range scopes {
		if sc == ".default" {
			continue
		}
		if _, ok := r.Scopes[sc]; !ok {
			return nil, errInvalidScope("The provided value for the input parameter 'scope' is not valid. The scope '%s' does not exist on the resource '%s'.", sc, r.ID)
		}
	}
	granted := s.consented(tenant, user, app.ClientID, r.ID)
	var out []string
	for _, sc := range scopes {
		// .default is every permission consented so far, and 65001 only when
		// there is none; an explicit scope must itself be consented
		// (learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc#the-default-scope,
		// learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-on-behalf-of-flow).
		if sc == ".default" {
			if len(granted) == 0 {
				return nil, s.consentMissing(app, tenant)
			}
			out = append(out, granted...)
			continue
		}
		if !slices.Contains(granted, sc) {
			return nil, s.consentMissing(app, tenant)
		}
		out = append(out, sc)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if s.mfa[mfaKey{lower(tenant), lower(user), r.ID}] && !mfaDone {
		e := newErr(400, "interaction_required", 50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '%s'.", r.AppID)
		e.suberror = "basic_action"
		e.claims = `{"access_token":{"capolids":{"essential":true,"values":["` + policyID(tenant, r.ID) + `"]}}}`
		return nil, e
	}
	return out, nil
}

// policyID is a stable fake conditional-access policy id.
func policyID(tenant, resource string) string {
	h := sha256.Sum256([]byte(lower(tenant) + "|" + resource))
	x := hex.EncodeToString(h[:])
	return x[:8] + "-" + x[8:12] + "-4" + x[13:16] + "-8" + x[17:20] + "-" + x[20:32]
}

// refreshGrant is a refresh token held server-side. Entra refresh tokens are
// multi-resource: any consented resource can be asked for with it.
type refreshGrant struct {
	tenant, user, client string
	issued, expires      time.Time
	mfa                  bool
	revoked              bool
}
