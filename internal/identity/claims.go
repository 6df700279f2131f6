package identity

import (
	"encoding/json"

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
func (l *SignInLinks) StartURLWithClaims(p flowdeck.Principal, loginHint string, audiences []string, prompt, claims string) (string, error) {
	if claims != "" {
		if err := checkClaims(claims); err != nil {
			return "", err
		}
	}
	return l.start(p, loginHint, audiences, nil, prompt, claims)
}
