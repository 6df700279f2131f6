package entra

import (
	"net/http"
	"slices"
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
	var roles []string
	if rr, ok := req.app.required(q.res); ok {
		roles = slices.Clone(rr.Roles)
	}
	return s.issue(issuance{tenant: req.tenant.ID, app: req.app, res: q.res, roles: roles, q: q})
}
