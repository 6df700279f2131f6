package entra

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// SSORequest describes the Teams SSO token to mint (what getAuthToken or the
// bot's signin/tokenExchange would carry).
type SSORequest struct {
	// TenantID and UserID (oid) name a user of the directory.
	TenantID, UserID string
	// Version is 1 (default: iss https://sts.windows.net/{tid}/, aud = the
	// Application ID URI, appid, upn) or 2 (iss
	// https://login.microsoftonline.com/{tid}/v2.0, aud = client id, azp,
	// preferred_username).
	Version int
	// ClientID is our app; default demo.ClientID.
	ClientID string
	// Audience overrides aud.
	Audience string
	// ClientAppID is the Teams client in azp/appid; default demo.TeamsWebClientID.
	ClientAppID string
	// Scopes go into scp; default [access_as_user].
	Scopes []string
	// Lifetime is exp-iat; default the server's token lifetime.
	Lifetime time.Duration
	// IssuedAt defaults to the server clock; NotBefore defaults to IssuedAt.
	IssuedAt, NotBefore time.Time
	// MFA adds "mfa" to amr, which satisfies RequireMFA policies in OBO.
	MFA bool
}

// MintSSOToken signs a Teams SSO token for our app with the current key.
func (s *Server) MintSSOToken(req SSORequest) (string, error) {
	if req.ClientID == "" {
		req.ClientID = demo.ClientID
	}
	if req.ClientAppID == "" {
		req.ClientAppID = demo.TeamsWebClientID
	}
	if len(req.Scopes) == 0 {
		req.Scopes = []string{AccessAsUser}
	}
	if req.Lifetime == 0 {
		req.Lifetime = s.lifetime
	}
	if req.IssuedAt.IsZero() {
		req.IssuedAt = s.now()
	}
	if req.NotBefore.IsZero() {
		req.NotBefore = req.IssuedAt
	}
	s.mu.Lock()
	u, uok := s.user(req.TenantID, req.UserID)
	app, aok := s.apps[lower(req.ClientID)]
	var appIDURI string
	if aok && len(app.AppIDURIs) > 0 {
		appIDURI = app.AppIDURIs[0]
	}
	s.mu.Unlock()
	if !uok {
		return "", fmt.Errorf("entra: mint SSO token: unknown user %s in tenant %s", req.UserID, req.TenantID)
	}
	if !aok {
		return "", fmt.Errorf("entra: mint SSO token: unknown app %s", req.ClientID)
	}
	amr := []string{"pwd"}
	if req.MFA {
		amr = append(amr, "mfa")
	}
	given, family, _ := strings.Cut(u.Name, " ")
	c := jwt.MapClaims{
		"iat":         req.IssuedAt.Unix(),
		"nbf":         req.NotBefore.Unix(),
		"exp":         req.IssuedAt.Add(req.Lifetime).Unix(),
		"aio":         randomString(40),
		"amr":         amr,
		"name":        u.Name,
		"given_name":  given,
		"family_name": family,
		"oid":         u.ID,
		"rh":          "0.A" + randomString(30) + ".",
		"scp":         strings.Join(req.Scopes, " "),
		"sub":         pairwise(u.ID, req.ClientID)[:43],
		"tid":         u.TenantID,
		"uti":         randomString(16),
	}
	switch req.Version {
	case 0, 1:
		aud := appIDURI
		if aud == "" {
			aud = req.ClientID
		}
		c["aud"] = aud
		c["iss"] = s.V1Issuer(u.TenantID)
		c["ver"] = "1.0"
		c["appid"] = req.ClientAppID
		c["appidacr"] = "0"
		c["acr"] = "1"
		c["upn"] = u.UPN
		c["unique_name"] = u.UPN
		c["ipaddr"] = "127.0.0.1"
	case 2:
		c["aud"] = req.ClientID
		c["iss"] = s.cloud.EntraV2Issuer + u.TenantID + "/v2.0"
		c["ver"] = "2.0"
		c["azp"] = req.ClientAppID
		c["azpacr"] = "0"
		c["preferred_username"] = u.UPN
	default:
		return "", errors.New("entra: mint SSO token: version must be 1 or 2")
	}
	if req.Audience != "" {
		c["aud"] = req.Audience
	}
	return s.Sign(c)
}

// MintAccessToken signs a delegated access token for resource as the token
// endpoint would issue it to clientID ("" = demo.ClientID) after OBO, without
// any consent check: for tests of the fakes that receive such tokens (e.g.
// the fake Power Platform). Its aud is resource exactly as given, as the
// token endpoint stamps the requested text; scopes go into scp.
func (s *Server) MintAccessToken(tenantID, userID, clientID, resource string, scopes ...string) (string, error) {
	if clientID == "" {
		clientID = demo.ClientID
	}
	s.mu.Lock()
	u, uok := s.user(tenantID, userID)
	app, aok := s.apps[lower(clientID)]
	r, rok := s.resource(resource)
	s.mu.Unlock()
	switch {
	case !uok:
		return "", fmt.Errorf("entra: mint access token: unknown user %s in tenant %s", userID, tenantID)
	case !aok:
		return "", fmt.Errorf("entra: mint access token: unknown app %s", clientID)
	case !rok:
		return "", fmt.Errorf("entra: mint access token: unknown resource %s", resource)
	}
	return s.Sign(s.accessClaims(issuance{tenant: u.TenantID, user: &u, app: app, res: r, aud: resource, scopes: scopes}, s.now()))
}
