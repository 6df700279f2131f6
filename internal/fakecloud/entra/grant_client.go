package entra

import (
	"net/http"
)

// grantClientCredentials issues an app-only token: scope=<resource>/.default.
func (s *Server) grantClientCredentials(req *tokenRequest) (map[string]any, *aadErr) {
	if req.tenant == nil {
		return nil, errInvalidRequest(900023, "Specified tenant identifier '%s' is neither a valid DNS name, nor a valid external domain.", req.pathTenant)
	}
	q, aerr := s.parseScopes(req.r.PostForm.Get("scope"), req.tenant.Name)
	if aerr != nil {
		return nil, aerr
	}
	if len(q.names) != 1 || q.names[0] != ".default" {
		return nil, newErr(http.StatusBadRequest, "invalid_scope", 1002012, "The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", q.echo[0])
	}
	// roles are the application permissions the app requires on the
	// resource AND an administrator of this tenant granted (an
	// appRoleAssignment on the app's service principal): a required but
	// unconsented application permission is absent from the token
	// (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
	// "Application permissions", "Request the permissions from a directory admin").
	var roles []string
	if rr, ok := req.app.required(q.res); ok {
		roles = s.grantedRoles(req.tenant.ID, req.app.ClientID, q.res.ID, rr.Roles)
	}
	return s.issue(issuance{tenant: req.tenant.ID, app: req.app, res: q.res, roles: roles, q: q})
}
