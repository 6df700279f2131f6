package entra

// RequireAdminConsent sets (on) or clears the tenant policy "users cannot
// consent to apps" (Entra's user consent settings: "Do not allow user
// consent"). While set, a delegated token request that needs a permission
// nobody consented to fails with AADSTS90094 instead of 65001: only an
// administrator can grant it, with the admin-consent endpoint
// (learn.microsoft.com/en-us/entra/identity/enterprise-apps/configure-user-consent,
// learn.microsoft.com/en-us/troubleshoot/entra/entra-id/app-integration/error-code-aadsts90094-admin-consent-required).
func (s *Server) RequireAdminConsent(tenant string, on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.adminOnly[lower(tenant)] = true
	} else {
		delete(s.adminOnly, lower(tenant))
	}
}

// consentMissing is the error for a permission not consented to in tenant
// (mu held): AADSTS90094 where users cannot consent, else 65001.
func (s *Server) consentMissing(app *App, tenant string) *aadErr {
	if !s.adminOnly[lower(tenant)] {
		return errConsentRequired(app)
	}
	return errInvalidGrant(90094, "An administrator of %s has set a policy that prevents you from granting %s the permissions it is requesting. "+
		"Contact an administrator of %s, who can grant permissions to this app on your behalf.", s.tenantName(tenant), app.Name, s.tenantName(tenant))
}

// tenantName is the tenant's display name, or its id (mu held).
func (s *Server) tenantName(id string) string {
	if t := s.tenants[lower(id)]; t != nil && t.Name != "" {
		return t.Name
	}
	return id
}
