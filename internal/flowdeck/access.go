package flowdeck

// Access says whether FlowDeck can reach one upstream service for a user, and
// if not, why and what the user can do about it.
type Access struct {
	// Audience is the registry key ("flow", "powerapps", "graph").
	Audience string `json:"audience"`
	// Name is the service's name ("Power Automate").
	Name string `json:"name"`
	// Granted is true when a token for the service is available.
	Granted bool `json:"granted"`
	// Code and Message describe the problem when not granted (see Code and Message).
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// ConsentURL opens the consent or sign-in flow that fixes it, when one can.
	ConsentURL string `json:"consentUrl,omitempty"`
	// AdminConsentURL, set when only an administrator can grant the
	// consent (the tenant lets users consent to nothing), is the tenant's
	// admin-consent link; ConsentURL is then empty.
	AdminConsentURL string `json:"adminConsentUrl,omitempty"`
}
