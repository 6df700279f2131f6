package entra

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// issuance describes the tokens to issue for one successful request.
type issuance struct {
	tenant string
	user   *demo.User // nil for app-only
	app    *App
	res    *Resource
	aud    string   // the aud claim: the resource exactly as requested (default res.Audience)
	scopes []string // granted delegated scope names
	roles  []string // app-only roles
	q      scopeRequest
	mfa    bool
	nonce  string
	// clientInfo is set when the request had client_info=1.
	clientInfo bool
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// pairwise is a stable, opaque identifier derived from its parts (like sub).
func pairwise(parts ...string) string {
	h := sha256.Sum256([]byte(strings.ToLower(strings.Join(parts, "|"))))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// guidFrom is a stable GUID derived from its parts.
func guidFrom(parts ...string) string {
	h := sha256.Sum256([]byte(strings.ToLower(strings.Join(parts, "|"))))
	x := hex.EncodeToString(h[:16])
	return x[:8] + "-" + x[8:12] + "-4" + x[13:16] + "-a" + x[17:20] + "-" + x[20:32]
}

// accessClaims builds an access token's claims in Entra's v1 form, which the
// first-party resources (Flow, PowerApps, Graph, Bot Framework) receive.
//
// aud is the resource text the request named, exactly: Entra derives it from
// everything before the scope's last "/" and does not normalise it, so
// https://service.flow.microsoft.com//.default gives
// https://service.flow.microsoft.com/ and https://service.flow.microsoft.com/.default
// gives https://service.flow.microsoft.com
// (learn.microsoft.com/en-us/entra/identity-platform/msal-v1-app-scopes;
// AzureAD/microsoft-authentication-library-for-js wiki "api-scopes").
func (s *Server) accessClaims(is issuance, now time.Time) jwt.MapClaims {
	aud := is.aud
	if aud == "" {
		aud = is.q.requested
	}
	if aud == "" {
		aud = is.res.Audience
	}
	c := jwt.MapClaims{
		"aud":      aud,
		"iss":      s.V1Issuer(is.tenant),
		"iat":      now.Unix(),
		"nbf":      now.Unix(),
		"exp":      now.Add(s.lifetime).Unix(),
		"aio":      randomString(40),
		"appid":    is.app.ClientID,
		"appidacr": "1",
		"idp":      s.V1Issuer(is.tenant),
		"rh":       "0.A" + randomString(30) + ".",
		"tid":      is.tenant,
		"uti":      randomString(16),
		"ver":      "1.0",
	}
	if is.user == nil {
		sp := guidFrom("sp", is.tenant, is.app.ClientID)
		c["oid"], c["sub"], c["idtyp"] = sp, sp, "app"
		if len(is.roles) > 0 {
			c["roles"] = is.roles
		}
		return c
	}
	delete(c, "idp")
	amr := []string{"pwd"}
	if is.mfa {
		amr = append(amr, "mfa")
	}
	given, family, _ := strings.Cut(is.user.Name, " ")
	c["acr"] = "1"
	c["amr"] = amr
	c["name"] = is.user.Name
	c["given_name"] = given
	c["family_name"] = family
	c["oid"] = is.user.ID
	c["sub"] = pairwise(is.user.ID, is.app.ClientID, is.res.ID)[:43]
	c["upn"] = is.user.UPN
	c["unique_name"] = is.user.UPN
	c["scp"] = strings.Join(is.scopes, " ")
	c["idtyp"] = "user"
	c["ipaddr"] = "127.0.0.1"
	return c
}

// idTokenClaims builds a v2 id_token for the app.
func (s *Server) idTokenClaims(is issuance, now time.Time) jwt.MapClaims {
	c := jwt.MapClaims{
		"aud":                is.app.ClientID,
		"iss":                s.Issuer(is.tenant),
		"iat":                now.Unix(),
		"nbf":                now.Unix(),
		"exp":                now.Add(s.lifetime).Unix(),
		"name":               is.user.Name,
		"oid":                is.user.ID,
		"preferred_username": is.user.UPN,
		"rh":                 "0.A" + randomString(30) + ".",
		"sub":                pairwise(is.user.ID, is.app.ClientID)[:43],
		"tid":                is.tenant,
		"uti":                randomString(16),
		"ver":                "2.0",
	}
	if is.nonce != "" {
		c["nonce"] = is.nonce
	}
	return c
}

// issue signs the tokens and builds the token response (mu not held).
func (s *Server) issue(is issuance) (map[string]any, *aadErr) {
	now := s.now()
	at, err := s.Sign(s.accessClaims(is, now))
	if err != nil {
		return nil, newErr(500, "server_error", 90100, "%v", err)
	}
	secs := int64(s.lifetime / time.Second)
	resp := map[string]any{
		"token_type":     "Bearer",
		"expires_in":     secs,
		"ext_expires_in": secs,
		"access_token":   at,
	}
	if is.user == nil {
		return resp, nil
	}
	resp["scope"] = strings.Join(s.grantedScopeList(is), " ")
	if is.q.hasOIDC("offline_access") {
		rt := "1.A" + randomString(96)
		s.mu.Lock()
		s.refresh[rt] = &refreshGrant{
			tenant: lower(is.tenant), user: lower(is.user.ID), client: lower(is.app.ClientID),
			issued: now, expires: now.Add(s.rtLifetime), mfa: is.mfa,
		}
		s.mu.Unlock()
		resp["refresh_token"] = rt
	}
	if is.q.hasOIDC("openid") {
		idt, err := s.Sign(s.idTokenClaims(is, now))
		if err != nil {
			return nil, newErr(500, "server_error", 90100, "%v", err)
		}
		resp["id_token"] = idt
	}
	if is.clientInfo {
		ci, _ := json.Marshal(map[string]string{"uid": is.user.ID, "utid": is.tenant})
		resp["client_info"] = base64.RawURLEncoding.EncodeToString(ci)
	}
	return resp, nil
}

// grantedScopeList is the response's scope: the requested resource scopes as
// sent (so MSAL sees none declined), the granted scopes in full form, and the
// OIDC scopes asked for.
func (s *Server) grantedScopeList(is issuance) []string {
	seen := map[string]bool{}
	var out []string
	add := func(sc string) {
		if !seen[lower(sc)] {
			seen[lower(sc)] = true
			out = append(out, sc)
		}
	}
	for _, sc := range is.q.echo {
		add(sc)
	}
	for _, sc := range is.scopes {
		add(is.q.requested + "/" + sc)
	}
	for _, sc := range is.q.oidc {
		add(sc)
	}
	return out
}
