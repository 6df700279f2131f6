package entra

// grantRefresh redeems a refresh token for any consented resource and returns
// a new refresh token. As in Entra, the redeemed refresh token is not revoked:
// it stays valid until it expires or is revoked (clients should keep the
// newest one).
func (s *Server) grantRefresh(req *tokenRequest) (map[string]any, *aadErr) {
	form := req.r.PostForm
	rt := form.Get("refresh_token")
	if rt == "" {
		return nil, errMissingParam("refresh_token")
	}
	now := s.now()
	s.mu.Lock()
	g, ok := s.refresh[rt]
	var grant refreshGrant
	if ok {
		grant = *g
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return nil, errInvalidGrant(9002313, "Invalid request. Request is malformed or invalid.")
	case grant.client != lower(req.app.ClientID):
		return nil, errInvalidGrant(70000, "Provided grant is invalid or malformed. The refresh token was issued to a different client.")
	case grant.revoked:
		return nil, errInvalidGrant(50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '%s' and the TokensValidFrom date (before which tokens are not valid) for this user is '%s'.", rfc3339(grant.issued), rfc3339(now))
	case !now.Before(grant.expires):
		return nil, errInvalidGrant(700082, "The refresh token has expired due to inactivity. The token was issued on %s and was inactive for %s.", rfc3339(grant.issued), inactivity(s.rtLifetime))
	}
	s.mu.Lock()
	tenant, _ := s.resolveTenant(grant.tenant)
	user, uok := s.user(grant.tenant, grant.user)
	s.mu.Unlock()
	if tenant == nil || !uok {
		return nil, errInvalidGrant(50034, "The user account {EUII Hidden} does not exist in the %s directory. To sign into this application, the account must be added to the directory.", grant.tenant)
	}
	if req.tenant != nil && req.tenant.ID != tenant.ID {
		return nil, errUserNotInTenant(user.ID, tenant.ID, req.tenant, req.app)
	}
	if aerr := checkGrantClaims(req.r, grant.mfa); aerr != nil {
		return nil, aerr
	}
	q, aerr := s.parseScopes(form.Get("scope"), tenant.Name)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	scopes, aerr := s.checkDelegated(req.app, tenant.ID, user.ID, q.res, q.requested, q.names, grant.mfa)
	s.mu.Unlock()
	if aerr != nil {
		return nil, aerr
	}
	return s.issue(issuance{
		tenant: tenant.ID, user: &user, app: req.app, res: q.res, scopes: scopes, q: q,
		mfa: grant.mfa, clientInfo: form.Get("client_info") == "1",
	})
}
