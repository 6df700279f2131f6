package entra

import "slices"

// GrantAppRoles records an administrator's consent, in tenant, for client's
// application permissions roles on resource (an appRoleAssignment on the
// app's service principal; https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto).
// Only roles the app also requires on the resource reach its app-only tokens.
func (s *Server) GrantAppRoles(tenant, client, resource string, roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := consentKey{lower(tenant), "", lower(client), s.canonicalResource(resource)}
	set := s.appRoles[k]
	if set == nil {
		set = map[string]bool{}
		s.appRoles[k] = set
	}
	for _, r := range roles {
		set[r] = true
	}
}

// RevokeAppRoles withdraws every application permission granted in tenant
// to client on resource.
func (s *Server) RevokeAppRoles(tenant, client, resource string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.appRoles, consentKey{lower(tenant), "", lower(client), s.canonicalResource(resource)})
}

// grantedRoles returns those of required that an administrator of tenant
// granted to client on resource, in required's order.
func (s *Server) grantedRoles(tenant, client, resource string, required []string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := s.appRoles[consentKey{lower(tenant), "", lower(client), s.canonicalResource(resource)}]
	var out []string
	for _, r := range required {
		if set[r] && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
