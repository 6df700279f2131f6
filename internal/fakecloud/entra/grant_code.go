package entra

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"time"
)

// authCode is an issued authorization code: single-use, short-lived, bound
// to its client, redirect URI and PKCE challenge.
type authCode struct {
	tenant, user, client string
	redirectURI          string
	scope                string
	nonce                string
	challenge            string
	expires              time.Time
	used                 bool
	// mfa is set when the sign-in performed multi-factor authentication.
	mfa bool
}

// codeLifetime is how long an authorization code can be redeemed.
const codeLifetime = 10 * time.Minute

// grantCode redeems an authorization code (with PKCE when it was asked for).
func (s *Server) grantCode(req *tokenRequest) (map[string]any, *aadErr) {
	form := req.r.PostForm
	code := form.Get("code")
	if code == "" {
		return nil, errMissingParam("code")
	}
	redirect := form.Get("redirect_uri")
	if redirect == "" {
		return nil, errMissingParam("redirect_uri")
	}
	now := s.now()
	s.mu.Lock()
	c, ok := s.codes[code]
	var ac authCode
	if ok {
		ac = *c
		c.used = true
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return nil, errInvalidGrant(9002313, "Invalid request. Request is malformed or invalid.")
	case ac.used:
		return nil, errInvalidGrant(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
	case !now.Before(ac.expires):
		return nil, errInvalidGrant(70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
	case ac.client != lower(req.app.ClientID):
		return nil, errInvalidGrant(70000, "Provided grant is invalid or malformed. The authorization code was issued to a different client.")
	case ac.redirectURI != redirect:
		return nil, errInvalidGrant(70000, "Provided grant is invalid or malformed. The redirect URI '%s' does not match the one the authorization code was issued for.", redirect)
	}
	if ac.challenge != "" {
		verifier := form.Get("code_verifier")
		sum := sha256.Sum256([]byte(verifier))
		got := base64.RawURLEncoding.EncodeToString(sum[:])
		if verifier == "" || subtle.ConstantTimeCompare([]byte(got), []byte(ac.challenge)) != 1 {
			return nil, errInvalidGrant(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
		}
	}
	s.mu.Lock()
	tenant, _ := s.resolveTenant(ac.tenant)
	user, uok := s.user(ac.tenant, ac.user)
	s.mu.Unlock()
	if tenant == nil || !uok {
		return nil, errInvalidGrant(50034, "The user account {EUII Hidden} does not exist in the %s directory.", ac.tenant)
	}
	scope := form.Get("scope")
	if scope == "" {
		scope = ac.scope
	}
	q, aerr := s.parseScopes(scope, tenant.Name)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	scopes, aerr := s.checkDelegated(req.app, tenant.ID, user.ID, q.res, q.requested, q.names, ac.mfa)
	s.mu.Unlock()
	if aerr != nil {
		return nil, aerr
	}
	return s.issue(issuance{
		tenant: tenant.ID, user: &user, app: req.app, res: q.res, scopes: scopes, q: q,
		mfa: ac.mfa, nonce: ac.nonce, clientInfo: form.Get("client_info") == "1",
	})
}

func rfc3339(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }

// inactivity formats a duration as Entra does: d.hh:mm:ss.
func inactivity(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	return fmt.Sprintf("%d.%02d:%02d:%02d", days, int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}
