package entra

import (
	"net/http"
)

// tenantForMetadata resolves the {tenant} path segment of a metadata request:
// the tenant id for a known tenant, "{tenantid}" for common/organizations.
func (s *Server) tenantForMetadata(w http.ResponseWriter, r *http.Request) (string, bool) {
	tenant := r.PathValue("tenant")
	if isMetaTenant(tenant) {
		return "{tenantid}", true
	}
	s.mu.Lock()
	t, ok := s.resolveTenant(tenant)
	s.mu.Unlock()
	if !ok {
		s.writeErr(w, r, errTenantNotFound(tenant))
		return "", false
	}
	return t.ID, true
}

// handleDiscoveryV2 serves /{tenant}/v2.0/.well-known/openid-configuration.
func (s *Server) handleDiscoveryV2(w http.ResponseWriter, r *http.Request) {
	tid, ok := s.tenantForMetadata(w, r)
	if !ok {
		return
	}
	seg := r.PathValue("tenant")
	base := s.url + "/" + seg
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              base + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                s.url + "/" + tid + "/v2.0",
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     "https://graph.microsoft.com/oidc/userinfo",
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"claims_supported": []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
			"msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver",
			"at_hash", "c_hash", "email"},
		"kerberos_endpoint":                base + "/kerberos",
		"tenant_region_scope":              "EU",
		"cloud_instance_name":              "microsoftonline.com",
		"cloud_graph_host_name":            "graph.windows.net",
		"msgraph_host":                     "graph.microsoft.com",
		"rbac_url":                         "https://pas.windows.net",
		"code_challenge_methods_supported": []string{"S256"},
	})
}

// handleDiscoveryV1 serves /{tenant}/.well-known/openid-configuration (the v1
// endpoints; issuer in the sts.windows.net form, as Entra publishes it).
func (s *Server) handleDiscoveryV1(w http.ResponseWriter, r *http.Request) {
	tid, ok := s.tenantForMetadata(w, r)
	if !ok {
		return
	}
	base := s.url + "/" + r.PathValue("tenant")
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              s.url + "/common/discovery/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "token id_token", "token"},
		"scopes_supported":                      []string{"openid"},
		"issuer":                                s.V1Issuer(tid),
		"microsoft_multi_refresh_token":         true,
		"authorization_endpoint":                base + "/oauth2/authorize",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  base + "/oauth2/logout",
		"claims_supported": []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
			"msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "amr", "nonce", "email", "given_name", "family_name", "nickname"},
		"tenant_region_scope":   "EU",
		"cloud_instance_name":   "microsoftonline.com",
		"cloud_graph_host_name": "graph.windows.net",
		"msgraph_host":          "graph.microsoft.com",
		"rbac_url":              "https://pas.windows.net",
	})
}
