package entra

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// pendingAuth is an authorize or admin-consent request waiting for the
// user's answer on the page. The page posts back only its id, so nothing the
// browser sends can change the client, redirect URI or scopes.
type pendingAuth struct {
	admin       bool
	tenant      string // tenant id, or "" for common/organizations
	client      string
	redirectURI string
	scope       string
	state       string
	nonce       string
	challenge   string
	items       []consentItem
	expires     time.Time
	// claims is the request's claims parameter (see claims.go).
	claims claimsRequest
}

const pendingLifetime = 15 * time.Minute

// authParams is what both consent endpoints need from the query.
type authParams struct {
	tenant   *Tenant // nil for common/organizations
	app      *App
	redirect string
}

// checkClientAndRedirect validates tenant, client_id and redirect_uri; any
// problem is shown as an error page, never redirected.
func (s *Server) checkClientAndRedirect(w http.ResponseWriter, r *http.Request, q url.Values) (authParams, bool) {
	var p authParams
	seg := r.PathValue("tenant")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !isMetaTenant(seg) {
		t, ok := s.resolveTenant(seg)
		if !ok {
			s.errorPage(w, r, errTenantNotFound(seg))
			return p, false
		}
		p.tenant = t
	}
	clientID := q.Get("client_id")
	if clientID == "" {
		s.errorPage(w, r, errMissingParam("client_id"))
		return p, false
	}
	app, ok := s.apps[lower(clientID)]
	if !ok {
		s.errorPage(w, r, newErr(http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '%s' was not found in the directory '%s'.", clientID, seg))
		return p, false
	}
	p.app = app
	p.redirect = q.Get("redirect_uri")
	if p.redirect == "" || !slices.Contains(app.RedirectURIs, p.redirect) {
		s.errorPage(w, r, errInvalidRequest(50011, "The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.", p.redirect, app.ClientID))
		return p, false
	}
	return p, true
}

// handleAuthorize serves GET /{tenant}/oauth2/v2.0/authorize.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, ok := s.checkClientAndRedirect(w, r, q)
	if !ok {
		return
	}
	state := q.Get("state")
	fail := func(code, desc string) {
		redirectTo(w, r, p.redirect, url.Values{"error": {code}, "error_description": {desc}, "state": {state}})
	}
	if q.Get("response_type") != "code" {
		fail("unsupported_response_type", "AADSTS70005: response_type '"+q.Get("response_type")+"' is not enabled for the application.")
		return
	}
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	if (challenge != "" || method != "") && (method != "S256" || len(challenge) < 43) {
		fail("invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter or unsupported code_challenge_method (only S256 is supported).")
		return
	}
	cr, aerr := parseClaimsRequest(q.Get("claims"))
	if aerr != nil {
		fail(aerr.code, aerr.Error())
		return
	}
	s.mu.Lock()
	items, aerr := s.consentItems(p.app, q.Get("scope"), false)
	s.mu.Unlock()
	if aerr != nil {
		fail(aerr.code, aerr.Error())
		return
	}
	tenantID := ""
	if p.tenant != nil {
		tenantID = p.tenant.ID
	}
	pa := &pendingAuth{
		tenant: tenantID, client: p.app.ClientID, redirectURI: p.redirect, scope: q.Get("scope"),
		state: state, nonce: q.Get("nonce"), challenge: challenge, items: items,
		expires: s.now().Add(pendingLifetime), claims: cr,
	}
	s.mu.Lock()
	hinted, hintOK := s.userByHint(tenantID, q.Get("login_hint"))
	s.mu.Unlock()
	if q.Get("prompt") == "none" {
		if !hintOK {
			fail("login_required", "AADSTS50058: A silent sign-in request was sent but no user is signed in.")
			return
		}
		// A silent request that needs MFA fails interaction_required (OpenID Connect Core 1.0 §3.1.2.6).
		if s.interactiveMFA(hinted.TenantID, hinted.ID, pa) {
			fail("interaction_required", "AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource.")
			return
		}
		if !s.allConsented(hinted, pa) {
			fail("consent_required", "AADSTS65001: The user or administrator has not consented to use the application with ID '"+p.app.ClientID+"' named '"+p.app.Name+"'. Send an interactive authorization request for this user and resource.")
			return
		}
		s.finishAuthorize(w, r, pa, hinted)
		return
	}
	s.showConsent(w, r, pa, p, hinted, hintOK)
}

// showConsent stores the pending request and renders the page.
func (s *Server) showConsent(w http.ResponseWriter, r *http.Request, pa *pendingAuth, p authParams, hinted demo.User, hintOK bool) {
	id := randomString(24)
	s.mu.Lock()
	s.pruneLocked()
	s.pending[id] = pa
	users := s.usersOf(pa.tenant)
	s.mu.Unlock()
	page := consentPage{
		Title: "Permissions requested", AppName: p.app.Name, Action: r.URL.Path,
		FlowID: id, Admin: pa.admin, Users: users, Items: pa.items, TenantName: "your organization",
	}
	if p.tenant != nil {
		page.TenantName = p.tenant.Name
	}
	if pa.admin {
		page.Title = "Permissions requested — accept for your organization"
	}
	if hintOK {
		page.FixedUser = &hinted
		page.MFA = s.interactiveMFA(hinted.TenantID, hinted.ID, pa)
	} else {
		page.MFA = pa.claims.wantsMFA()
	}
	s.renderPage(w, r, http.StatusOK, "consent.html", page)
}

// allConsented reports whether the user already consented to every item.
func (s *Server) allConsented(u demo.User, pa *pendingAuth) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range pa.items {
		granted := s.consented(u.TenantID, u.ID, pa.client, it.res.ID)
		for _, n := range it.names() {
			if !slices.Contains(granted, n) {
				return false
			}
		}
	}
	return true
}

// takePending parses the page's POST and returns its pending request and user.
func (s *Server) takePending(w http.ResponseWriter, r *http.Request) (*pendingAuth, demo.User, string, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, errInvalidRequest(9002313, "Invalid request. Request is malformed or invalid."))
		return nil, demo.User{}, "", false
	}
	id := r.PostForm.Get("flow")
	action := r.PostForm.Get("action")
	s.mu.Lock()
	pa, ok := s.pending[id]
	delete(s.pending, id)
	s.mu.Unlock()
	if !ok || !s.now().Before(pa.expires) {
		s.errorPage(w, r, errInvalidRequest(90015, "The sign-in session was not found or has expired. Start the sign-in again."))
		return nil, demo.User{}, "", false
	}
	if action != "accept" && action != "cancel" {
		s.errorPage(w, r, errInvalidRequest(9002313, "Invalid request. Request is malformed or invalid."))
		return nil, demo.User{}, "", false
	}
	if action == "cancel" {
		return pa, demo.User{}, action, true
	}
	s.mu.Lock()
	u, uok := s.userByHint(pa.tenant, r.PostForm.Get("user"))
	s.mu.Unlock()
	if !uok {
		s.errorPage(w, r, errInvalidRequest(50034, "The user account {EUII Hidden} does not exist in the directory."))
		return nil, demo.User{}, "", false
	}
	return pa, u, action, true
}

// handleAuthorizeSubmit serves the POST of the sign-in/consent page.
func (s *Server) handleAuthorizeSubmit(w http.ResponseWriter, r *http.Request) {
	pa, u, action, ok := s.takePending(w, r)
	if !ok {
		return
	}
	if pa.admin {
		s.errorPage(w, r, errInvalidRequest(9002313, "Invalid request. Request is malformed or invalid."))
		return
	}
	if action == "cancel" {
		redirectTo(w, r, pa.redirectURI, url.Values{
			"error":             {"access_denied"},
			"error_description": {"AADSTS65004: User declined to consent to access the app."},
			"state":             {pa.state},
		})
		return
	}
	for _, it := range pa.items {
		s.GrantConsent(u.TenantID, u.ID, pa.client, it.res.ID, it.names()...)
	}
	s.finishAuthorize(w, r, pa, u)
}

// finishAuthorize issues a code and redirects back to the app.
func (s *Server) finishAuthorize(w http.ResponseWriter, r *http.Request, pa *pendingAuth, u demo.User) {
	code := "1.A" + randomString(64)
	mfa := s.interactiveMFA(u.TenantID, u.ID, pa)
	s.mu.Lock()
	s.pruneLocked()
	s.codes[code] = &authCode{
		tenant: lower(u.TenantID), user: lower(u.ID), client: lower(pa.client), redirectURI: pa.redirectURI,
		scope: pa.scope, nonce: pa.nonce, challenge: pa.challenge, expires: s.now().Add(codeLifetime), mfa: mfa,
	}
	s.mu.Unlock()
	redirectTo(w, r, pa.redirectURI, url.Values{"code": {code}, "state": {pa.state}, "session_state": {guidFrom("session", u.ID, code)}})
}

// pruneLocked drops expired pending requests and codes (mu held).
func (s *Server) pruneLocked() {
	now := s.now()
	for id, pa := range s.pending {
		if !now.Before(pa.expires) {
			delete(s.pending, id)
		}
	}
	for c, ac := range s.codes {
		if now.Sub(ac.expires) > time.Hour {
			delete(s.codes, c)
		}
	}
}
