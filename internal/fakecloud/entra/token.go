package entra

import (
	"crypto/subtle"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// Grant types the token endpoint accepts.
const (
	// GrantClientCredentials is the app-only grant.
	GrantClientCredentials = "client_credentials"
	// GrantOBO is the On-Behalf-Of (jwt-bearer) grant.
	GrantOBO = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// GrantRefreshToken redeems a refresh token.
	GrantRefreshToken = "refresh_token"
	// GrantAuthorizationCode redeems an authorization code.
	GrantAuthorizationCode = "authorization_code"
)

// tokenRequest is a parsed, client-authenticated token request.
type tokenRequest struct {
	r          *http.Request
	pathTenant string // as in the URL
	tenant     *Tenant
	app        *App
}

// handleToken serves POST /{tenant}/oauth2/v2.0/token.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if down {
		s.writeErr(w, r, newErr(http.StatusServiceUnavailable, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again."))
		return
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		s.writeErr(w, r, errInvalidRequest(900144, "The request body must contain the following parameter: 'grant_type'."))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		s.writeErr(w, r, errInvalidRequest(9002313, "Invalid request. Request is malformed or invalid."))
		return
	}
	grantType := r.PostForm.Get("grant_type")
	requestInfo(r).grantType = grantType
	if grantType == "" {
		s.writeErr(w, r, errMissingParam("grant_type"))
		return
	}
	s.mu.Lock()
	s.stats.grants[grantType]++
	s.mu.Unlock()

	req := &tokenRequest{r: r, pathTenant: r.PathValue("tenant")}
	if !isMetaTenant(req.pathTenant) {
		s.mu.Lock()
		t, ok := s.resolveTenant(req.pathTenant)
		s.mu.Unlock()
		if !ok {
			e := errTenantNotFound(req.pathTenant)
			e.code = "invalid_request" // the token endpoint says invalid_request; metadata says invalid_tenant
			s.writeErr(w, r, e)
			return
		}
		req.tenant = t
	}
	app, aerr := s.authenticateClient(r, req.pathTenant)
	if aerr != nil {
		s.writeErr(w, r, aerr)
		return
	}
	req.app = app

	var resp map[string]any
	switch grantType {
	case GrantClientCredentials:
		resp, aerr = s.grantClientCredentials(req)
	case GrantOBO:
		resp, aerr = s.grantOBO(req)
	case GrantRefreshToken:
		resp, aerr = s.grantRefresh(req)
	case GrantAuthorizationCode:
		resp, aerr = s.grantCode(req)
	default:
		aerr = newErr(http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '%s'.", grantType)
	}
	if aerr != nil {
		s.writeErr(w, r, aerr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// authenticateClient checks client_id and client_secret (form or HTTP Basic),
// or a certificate's client_assertion (assertion.go).
func (s *Server) authenticateClient(r *http.Request, tenant string) (*App, *aadErr) {
	clientID := r.PostForm.Get("client_id")
	secret := r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		if clientID == "" {
			clientID = u
		}
		if secret == "" {
			secret = p
		}
	}
	if clientID == "" {
		return nil, errMissingParam("client_id")
	}
	s.mu.Lock()
	app, ok := s.apps[lower(clientID)]
	var secrets []string
	if ok {
		secrets = append(secrets, app.Secrets...)
	}
	s.mu.Unlock()
	if !ok {
		return nil, newErr(http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", clientID, tenant)
	}
	if r.PostForm.Has("client_assertion") || r.PostForm.Has("client_assertion_type") {
		return s.authenticateAssertion(r, app, tenant, secret)
	}
	if secret == "" {
		return nil, newErr(http.StatusUnauthorized, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	for _, want := range secrets {
		if subtle.ConstantTimeCompare([]byte(want), []byte(secret)) == 1 {
			return app, nil
		}
	}
	return nil, newErr(http.StatusUnauthorized, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", app.ClientID)
}

// scopeRequest is a parsed scope parameter: one resource and OIDC scopes.
type scopeRequest struct {
	res       *Resource
	requested string   // the resource as the request named it: the token's aud, unnormalised
	names     []string // scope names on the resource (".default" kept)
	echo      []string // the resource scopes exactly as requested
	oidc      []string // openid, profile, email, offline_access as requested
}

func (q scopeRequest) hasOIDC(name string) bool {
	return slices.Contains(q.oidc, name)
}

// parseScopes parses a scope parameter. Entra allows one resource per request.
func (s *Server) parseScopes(param, tenantName string) (scopeRequest, *aadErr) {
	var q scopeRequest
	if strings.TrimSpace(param) == "" {
		return q, errMissingParam("scope")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sc := range strings.Fields(param) {
		if oidcScopes[lower(sc)] {
			q.oidc = append(q.oidc, lower(sc))
			continue
		}
		// A scope's resource is everything before its last "/"; a bare name is
		// Graph's (learn.microsoft.com/en-us/entra/identity-platform/msal-v1-app-scopes,
		// learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc).
		resName, name := strings.TrimSuffix(s.cloud.GraphAudience, "/"), sc
		if i := strings.LastIndex(sc, "/"); i >= 0 {
			resName, name = sc[:i], sc[i+1:]
		}
		if name == "" {
			return q, errInvalidScope("The provided value for the input parameter 'scope' is not valid. The scope '%s' is not valid.", sc)
		}
		res, ok := s.resource(resName)
		if !ok {
			return q, newErr(http.StatusBadRequest, "invalid_resource", 500011, "The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", resName, tenantName)
		}
		if q.res != nil && q.res != res {
			return q, newErr(http.StatusBadRequest, "invalid_scope", 28000, "Provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", param)
		}
		q.res, q.requested = res, resName
		q.names = append(q.names, name)
		q.echo = append(q.echo, sc)
	}
	if q.res == nil {
		return q, errInvalidScope("The provided value for the input parameter 'scope' is not valid. The scope '%s' does not name a resource.", param)
	}
	return q, nil
}

// user looks a user up (mu held).
func (s *Server) user(tenant, oid string) (demo.User, bool) {
	u, ok := s.users[userKey{lower(tenant), lower(oid)}]
	return u, ok
}
