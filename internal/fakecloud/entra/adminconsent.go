package entra

import (
	"net/http"
	"net/url"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// handleAdminConsent serves GET /{tenant}/v2.0/adminconsent (client_id,
// scope, redirect_uri, state): a page for an administrator to grant
// tenant-wide consent. An empty scope means every permission the app requires.
func (s *Server) handleAdminConsent(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, ok := s.checkClientAndRedirect(w, r, q)
	if !ok {
		return
	}
	s.mu.Lock()
	items, aerr := s.consentItems(p.app, q.Get("scope"), true)
	s.mu.Unlock()
	if aerr != nil {
		redirectTo(w, r, p.redirect, url.Values{"error": {aerr.code}, "error_description": {aerr.Error()}, "state": {q.Get("state")}})
		return
	}
	tenantID := ""
	if p.tenant != nil {
		tenantID = p.tenant.ID
	}
	pa := &pendingAuth{
		admin: true, tenant: tenantID, client: p.app.ClientID, redirectURI: p.redirect,
		scope: q.Get("scope"), state: q.Get("state"), items: items, expires: s.now().Add(pendingLifetime),
	}
	s.showConsent(w, r, pa, p, demo.User{}, false)
}

// handleAdminConsentSubmit records tenant-wide consent and redirects with
// admin_consent=True&tenant=…&state=… (or error=access_denied).
func (s *Server) handleAdminConsentSubmit(w http.ResponseWriter, r *http.Request) {
	pa, u, action, ok := s.takePending(w, r)
	if !ok {
		return
	}
	if !pa.admin {
		s.errorPage(w, r, errInvalidRequest(9002313, "Invalid request. Request is malformed or invalid."))
		return
	}
	if action == "cancel" {
		redirectTo(w, r, pa.redirectURI, url.Values{
			"error":             {"access_denied"},
			"error_description": {"AADSTS65004: User declined to consent to access the app."},
			"admin_consent":     {"False"},
			"state":             {pa.state},
		})
		return
	}
	for _, it := range pa.items {
		s.GrantAdminConsent(u.TenantID, pa.client, it.res.ID, it.names()...)
	}
	redirectTo(w, r, pa.redirectURI, url.Values{
		"admin_consent": {"True"},
		"tenant":        {u.TenantID},
		"scope":         {pa.scope},
		"state":         {pa.state},
	})
}
