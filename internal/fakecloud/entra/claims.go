package entra

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// claimsRequest is what the fake understands of an OpenID Connect claims
// request (the "claims" parameter of the authorize and token endpoints):
// the Conditional Access policies (capolids) and authentication contexts
// (acrs) a token must satisfy, and the time it must be issued after (nbf, a
// Continuous Access Evaluation challenge)
// (https://learn.microsoft.com/entra/identity-platform/claims-challenge).
type claimsRequest struct {
	raw      string
	capolids []string
	acrs     []string
	nbf      int64
}

// claimValue is one requested claim: {"essential":…, "value":…, "values":[…]}.
type claimValue struct {
	Essential bool            `json:"essential"`
	Value     json.RawMessage `json:"value"`
	Values    []string        `json:"values"`
}

// parseClaimsRequest parses a claims parameter ("" is no request). Anything
// but a JSON object of objects is refused as a malformed request: the error
// text is Entra's generic one, the code for this case is unverified.
func parseClaimsRequest(raw string) (claimsRequest, *aadErr) {
	c := claimsRequest{raw: raw}
	if raw == "" {
		return c, nil
	}
	var req map[string]map[string]claimValue
	if len(raw) > 16<<10 || json.Unmarshal([]byte(raw), &req) != nil {
		return c, errInvalidRequest(9002313, "Invalid request. Request is malformed or invalid: the claims parameter is not a JSON claims request.")
	}
	at := req["access_token"]
	c.capolids = at["capolids"].Values
	c.acrs = at["acrs"].Values
	if v := at["acrs"].Value; len(v) > 0 {
		var s string
		if json.Unmarshal(v, &s) == nil && s != "" {
			c.acrs = append(c.acrs, s)
		}
	}
	if v := at["nbf"].Value; len(v) > 0 {
		var s string
		if json.Unmarshal(v, &s) == nil {
			c.nbf, _ = strconv.ParseInt(s, 10, 64)
		} else {
			_ = json.Unmarshal(v, &c.nbf)
		}
	}
	return c, nil
}

// wantsMFA reports whether the request asks for a Conditional Access policy
// or an authentication context, which the fake satisfies with MFA.
func (c claimsRequest) wantsMFA() bool { return len(c.capolids) > 0 || len(c.acrs) > 0 }

// interactiveMFA reports whether an interactive sign-in of u for pa performs
// multi-factor authentication: when its claims ask for it (the claims
// challenge a client passes on, as Microsoft's claims-challenge page tells
// clients to do), or when a RequireMFA policy covers a requested resource
// (policies target resources: https://learn.microsoft.com/entra/identity/conditional-access/concept-conditional-access-cloud-apps;
// that a sign-in without claims for other resources skips MFA is unverified) (mu not held).
func (s *Server) interactiveMFA(tenant, user string, pa *pendingAuth) bool {
	if pa.claims.wantsMFA() {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range pa.items {
		if s.mfa[mfaKey{lower(tenant), lower(user), it.res.ID}] {
			return true
		}
	}
	return false
}

// checkGrantClaims honours the claims parameter of a token request that
// cannot interact with the user (OBO, refresh token): a request for a
// Conditional Access policy or authentication context that the grant's
// session did not satisfy with MFA is answered interaction_required
// AADSTS50076 with the same claims, for the client to take to an interactive
// sign-in (MSAL.NET's CAE test records this round trip:
// AzureAD/microsoft-authentication-library-for-dotnet SeleniumTests/CaeUserTests.cs).
func checkGrantClaims(r *http.Request, mfaDone bool) *aadErr {
	c, aerr := parseClaimsRequest(r.PostForm.Get("claims"))
	if aerr != nil {
		return aerr
	}
	if c.wantsMFA() && !mfaDone {
		e := newErr(http.StatusBadRequest, "interaction_required", 50076, "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access the resource. The claims challenge asks for %s.", strings.Join(append(c.capolids, c.acrs...), ", "))
		e.suberror = "basic_action"
		e.claims = c.raw
		return e
	}
	return nil
}
