package identity

import (
	"encoding/json"
	"slices"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// maxClaims bounds a claims challenge FlowDeck carries (they are small JSON
// objects: a Conditional Access policy id, an nbf time, client capabilities).
const maxClaims = 4 << 10

// checkClaims accepts a claims request as the "claims" parameter of the
// authorize and token endpoints expects it: one JSON object
// (https://learn.microsoft.com/entra/identity-platform/claims-challenge).
func checkClaims(claims string) error {
	if len(claims) > maxClaims {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "identity: the claims challenge is longer than %d bytes", maxClaims)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(claims), &m); err != nil || m == nil {
		return flowdeck.Errorf(flowdeck.ErrInvalid, "identity: the claims challenge is not a JSON object")
	}
	return nil
}

// StartURLWithClaims is StartURL for a sign-in that must satisfy a claims
// challenge (multi-factor authentication, a Conditional Access policy, a
// revoked session): the challenge, as Entra or an API sent it, travels sealed
// in the state and reaches Entra's authorize request as its "claims"
// parameter, so that Entra asks the user for exactly what is missing. An empty
// claims is StartURL.
func (c *Consent) StartURLWithClaims(p flowdeck.Principal, loginHint string, audiences []string, prompt, claims string) (string, error) {
	if claims != "" {
		if err := checkClaims(claims); err != nil {
			return "", err
		}
	}
	if !p.Valid() {
		return "", flowdeck.Errorf(flowdeck.ErrUnauthenticated, "Sign in to continue.")
	}
	if !slices.Contains(prompts, prompt) {
		return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: prompt %q is not supported", prompt)
	}
	if len(audiences) == 0 {
		for _, a := range c.auds {
			audiences = append(audiences, a.Key)
		}
	}
	for _, k := range audiences {
		if _, ok := c.audience(k); !ok {
			return "", flowdeck.Errorf(flowdeck.ErrInvalid, "identity: unknown audience %q", k)
		}
	}
	sealed, err := c.seal.seal(purposeState, consentState{
		Tenant: p.TenantID, User: p.UserID, Nonce: randomToken(18), Audiences: slices.Compact(slices.Clone(audiences)),
		LoginHint: loginHint, Prompt: prompt, Claims: claims, Expires: c.now().Add(stateLifetime).Unix(),
	})
	if err != nil {
		return "", flowdeck.Wrap(flowdeck.ErrInternal, err, "identity: seal consent state")
	}
	return c.startURL + "?s=" + sealed, nil
}
