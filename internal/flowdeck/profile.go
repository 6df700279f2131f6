package flowdeck

// Profile is the signed-in user's directory profile (from Microsoft Graph).
type Profile struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	UPN         string `json:"userPrincipalName"`
	Mail        string `json:"mail,omitempty"`
	JobTitle    string `json:"jobTitle,omitempty"`
}
