package botframework

import (
	"context"
	"net/http"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Invoke names FlowDeck handles.
const (
	InvokeAdaptiveCardAction = "adaptiveCard/action"
	InvokeTokenExchange      = "signin/tokenExchange"
	InvokeVerifyState        = "signin/verifyState"
)

// Invoke-response content types (the "type" of an adaptiveCard/action response).
const (
	ContentTypeAdaptiveCard = "application/vnd.microsoft.card.adaptive"
	ContentTypeMessage      = "application/vnd.microsoft.activity.message"
	ContentTypeError        = "application/vnd.microsoft.error"
	ContentTypeLoginRequest = "application/vnd.microsoft.activity.loginRequest"
)

// Handler receives every verified activity. For an invoke, the returned
// *InvokeResponse is written synchronously as the HTTP response; a nil
// response to an invoke means "not implemented" (HTTP 501, as botbuilder
// does). For other activity types the response is ignored and the channel
// gets 200 with an empty body. A returned error is logged; the channel gets
// the HTTP status of its kind from flowdeck's table (flowdeck.HTTPStatus;
// for adaptiveCard/action: HTTP 200 with that status in an error body), but
// for signin/tokenExchange the 412 Teams needs (TokenExchangeFailed).
type Handler interface {
	OnActivity(ctx context.Context, a *schema.Activity) (*InvokeResponse, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, a *schema.Activity) (*InvokeResponse, error)

// OnActivity calls f.
func (f HandlerFunc) OnActivity(ctx context.Context, a *schema.Activity) (*InvokeResponse, error) {
	return f(ctx, a)
}

// InvokeResponse is the synchronous answer to an invoke activity.
type InvokeResponse struct {
	// Status is the HTTP status; 0 means 200. For adaptiveCard/action the
	// endpoint always answers HTTP 200 and the status travels in the body.
	Status int
	// Body is marshalled as JSON; nil means an empty body.
	Body any
}

// CardActionBody is the body of an adaptiveCard/action invoke response.
type CardActionBody struct {
	StatusCode int    `json:"statusCode"`
	Type       string `json:"type"`
	Value      any    `json:"value,omitempty"`
}

// CardResponse answers an adaptiveCard/action with a card that replaces the
// acting user's card: {"statusCode":200,"type":"application/vnd.microsoft.card.adaptive","value":card}.
func CardResponse(card any) *InvokeResponse {
	return &InvokeResponse{Status: http.StatusOK, Body: CardActionBody{StatusCode: http.StatusOK, Type: ContentTypeAdaptiveCard, Value: card}}
}

// MessageResponse answers an adaptiveCard/action with a short text shown under the card.
func MessageResponse(text string) *InvokeResponse {
	return &InvokeResponse{Status: http.StatusOK, Body: CardActionBody{StatusCode: http.StatusOK, Type: ContentTypeMessage, Value: text}}
}

// CardErrorResponse answers an adaptiveCard/action with an error
// ({"statusCode":status,"type":"application/vnd.microsoft.error","value":{code,message}}),
// still in an HTTP 200.
func CardErrorResponse(status int, code, message string) *InvokeResponse {
	return &InvokeResponse{Status: http.StatusOK, Body: CardActionBody{
		StatusCode: status, Type: ContentTypeError,
		Value: map[string]string{"code": code, "message": message},
	}}
}

// Caller is who sent a verified activity.
type Caller struct {
	// TenantID is conversation.tenantId, else channelData.tenant.id.
	TenantID string
	// UserID is from.aadObjectId (the Entra object id); "" for a bot or an anonymous sender.
	UserID string
	// UserMRI is from.id (29:…).
	UserMRI string
	// Name is from.name, for display only.
	Name string
	// ConversationID is conversation.id.
	ConversationID string
	// ChannelID is the channel ("msteams").
	ChannelID string
	// ServiceURL is the activity's serviceUrl; with a verified token it matched the token.
	ServiceURL string
	// Authenticated is false only in the dev unauthenticated mode.
	Authenticated bool
}

type callerKey struct{}

// CallerFrom returns the caller of the activity being handled.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// WithCaller returns a context that carries c, and the flowdeck.Principal of
// the user when the tenant and user are known.
func WithCaller(ctx context.Context, c Caller) context.Context {
	ctx = context.WithValue(ctx, callerKey{}, c)
	if c.TenantID != "" && c.UserID != "" {
		ctx = flowdeck.WithPrincipal(ctx, flowdeck.Principal{TenantID: c.TenantID, UserID: c.UserID, Name: c.Name})
	}
	return ctx
}

// CallerOf reads the caller from an activity.
func CallerOf(a *schema.Activity) Caller {
	c := Caller{
		TenantID:       a.Conversation.TenantID,
		UserID:         a.From.AadObjectID,
		UserMRI:        a.From.ID,
		Name:           a.From.Name,
		ConversationID: a.Conversation.ID,
		ChannelID:      a.ChannelID,
		ServiceURL:     a.ServiceURL,
	}
	if c.TenantID == "" {
		if t, ok := a.ChannelData["tenant"].(map[string]any); ok {
			c.TenantID, _ = t["id"].(string)
		}
	}
	return c
}
