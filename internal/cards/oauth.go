package cards

// OAuthContentType is the attachment content type of a Bot Framework OAuth card.
const OAuthContentType = "application/vnd.microsoft.card.oauth"

// OAuthCard starts bot SSO: Teams intercepts it, gets a token for
// TokenExchangeResource silently and sends signin/tokenExchange; only when the
// bot does not answer 200 does it show the sign-in button.
type OAuthCard struct {
	Text           string `json:"text"`
	ConnectionName string `json:"connectionName"`
	// Buttons holds the one signin button to the sign-in (or consent) page.
	Buttons               []CardAction           `json:"buttons"`
	TokenExchangeResource *TokenExchangeResource `json:"tokenExchangeResource,omitempty"`
}

// CardAction is a Bot Framework card button.
type CardAction struct {
	// Type is "signin" for OAuth cards.
	Type  string `json:"type"`
	Title string `json:"title"`
	// Value is the URL the button opens.
	Value string `json:"value"`
}

// TokenExchangeResource names the resource Teams gets an SSO token for.
type TokenExchangeResource struct {
	// ID identifies the token request (a fresh GUID per card).
	ID string `json:"id"`
	// URI is the app's Application ID URI (webApplicationInfo.resource).
	URI        string `json:"uri,omitempty"`
	ProviderID string `json:"providerId,omitempty"`
}

// NewOAuthCard returns the SSO OAuth card: exchangeID is a fresh ID for the
// token request, resourceURI the Application ID URI, signInURL the page the
// sign-in button opens (the consent/sign-in start page).
func NewOAuthCard(text, connectionName, exchangeID, resourceURI, signInURL string) *OAuthCard {
	if text == "" {
		text = "Sign in to FlowDeck"
	}
	return &OAuthCard{
		Text:                  text,
		ConnectionName:        connectionName,
		Buttons:               []CardAction{{Type: "signin", Title: "Sign in", Value: signInURL}},
		TokenExchangeResource: &TokenExchangeResource{ID: exchangeID, URI: resourceURI},
	}
}

// Attachment wraps c as a Bot Framework attachment.
func (c *OAuthCard) Attachment() Attachment {
	return Attachment{ContentType: OAuthContentType, Content: c}
}
