package cardaction

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ContentTypePreconditionFailed is the invoke-response type that tells Teams
// the SSO token it sent could not be used; it falls back to the sign-in button.
const ContentTypePreconditionFailed = "application/vnd.microsoft.error.preconditionFailed"

// LoginRequest is the value of a 401 loginRequest invoke response
// (Universal Actions sign-in; with TokenExchangeResource, silent SSO).
type LoginRequest struct {
	Text                  string                 `json:"text"`
	ConnectionName        string                 `json:"connectionName"`
	TokenExchangeResource *TokenExchangeResource `json:"tokenExchangeResource,omitempty"`
	Buttons               []SignInButton         `json:"buttons"`
}

// TokenExchangeResource asks Teams for a silent SSO token for URI (the
// Application ID URI); ProviderID "" means Entra ID.
type TokenExchangeResource struct {
	ID         string `json:"id"`
	URI        string `json:"uri"`
	ProviderID string `json:"providerId"`
}

// SignInButton is the signin button of a LoginRequest.
type SignInButton struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	Text  string `json:"text"`
	Value string `json:"value"`
}

// ensureToken is the one sign-in policy of every card action. It makes sure
// the invoker has a usable Power Automate token, first redeeming the SSO
// token the invoke carries in value.authentication.token (Teams repeats the
// action with it after a loginRequest; SignIn checks that it names the
// invoker and exchanges it). When there is none, it returns the answer to
// send: a 401 loginRequest (login), or an error card. nil: go ahead.
func (rt *Router) ensureToken(in *invocation, retry any) *botframework.InvokeResponse {
	if in.authToken != "" {
		if rt.o.SignIn == nil {
			return preconditionFailed("FlowDeck cannot sign you in inside the card; use the sign-in button.")
		}
		if err := rt.o.SignIn(in.ctx, in.p, in.authToken); err != nil {
			if adminOnly(err) {
				// Teams' fallback, the sign-in button, would end at a
				// consent page that refuses the user: the card says who can.
				return errorCard(err, nil)
			}
			return preconditionFailed(flowdeck.Message(err))
		}
	}
	_, err := rt.o.Tokens.Token(in.ctx, in.p, rt.o.Audience)
	switch flowdeck.KindOf(err) {
	case nil:
		return nil
	case flowdeck.ErrInteractionRequired, flowdeck.ErrUnauthenticated, flowdeck.ErrConsentRequired:
		return rt.login(in, err, retry)
	}
	return errorCard(err, nil)
}

func preconditionFailed(msg string) *botframework.InvokeResponse {
	return &botframework.InvokeResponse{Status: http.StatusOK, Body: botframework.CardActionBody{
		StatusCode: http.StatusPreconditionFailed, Type: ContentTypePreconditionFailed,
		Value: map[string]string{"code": "412", "message": msg},
	}}
}

// login answers a user without a usable token: Teams (which sends a
// trigger) gets a 401 loginRequest with a tokenExchangeResource (silent SSO
// inside the card) and a signin button to the sign-in page, the fallback
// Teams uses when silent SSO fails. The page comes from the token error: a
// consent page (consent required) or a sign-in URL carrying a claims
// challenge (interaction required); else SignInURL. A client without a
// trigger (the Agents Playground, which cannot show a loginRequest) gets a
// sign-in card with a Try again button instead. A consent only an
// administrator can give gets the error card with the admin-consent link
// and the sentence to forward: no sign-in would help.
func (rt *Router) login(in *invocation, err error, retry any) *botframework.InvokeResponse {
	if adminOnly(err) {
		return errorCard(err, nil)
	}
	u := rt.signInURL(in.p, err)
	if u == "" {
		return botframework.CardResponse(cards.SignInAgainCard(flowdeck.Message(err)))
	}
	if in.trigger == "" {
		return botframework.CardResponse(signInCard(flowdeck.Message(err), u, in.verb, retry))
	}
	lr := LoginRequest{
		Text: "Sign in to FlowDeck", ConnectionName: rt.o.ConnectionName,
		Buttons: []SignInButton{{Type: "signin", Title: "Sign in", Text: "Sign in", Value: u}},
	}
	if rt.o.AppIDURI != "" {
		lr.TokenExchangeResource = &TokenExchangeResource{ID: newID(), URI: rt.o.AppIDURI}
	}
	return &botframework.InvokeResponse{Status: http.StatusOK, Body: botframework.CardActionBody{
		StatusCode: http.StatusUnauthorized, Type: botframework.ContentTypeLoginRequest, Value: lr,
	}}
}

// signInURL is the sign-in (or consent) page for p: from the token error, else SignInURL.
func (rt *Router) signInURL(p flowdeck.Principal, err error) string {
	var fe *flowdeck.Error
	if errors.As(err, &fe) {
		for _, k := range []string{flowdeck.DetailSignInURL, flowdeck.DetailConsentURL} {
			if u := httpsURL(fe.Detail[k]); u != "" {
				return u
			}
		}
	}
	if rt.o.SignInURL != nil {
		return httpsURL(rt.o.SignInURL(p))
	}
	return ""
}

func httpsURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return s
}

// signInCard is the card for clients that cannot sign in inside the card: a
// Sign in button to the sign-in page and a Try again button that repeats the action.
func signInCard(reason, signInURL, verb string, retry any) *cards.AdaptiveCard {
	c := &cards.AdaptiveCard{
		Schema: cards.Schema, Version: cards.Version, MSTeams: &cards.MSTeams{Width: "Full"}, FallbackText: "Sign in to FlowDeck",
		Body: []cards.Element{
			&cards.TextBlock{Text: "Sign in to FlowDeck", Wrap: true, Size: "Medium", Weight: "Bolder", Style: "heading"},
			&cards.TextBlock{Text: cards.Escape(cards.Trim(cards.OneLine(reason), 400)), Wrap: true},
			&cards.TextBlock{Text: "Sign in, then press Try again.", Wrap: true, IsSubtle: true},
		},
		Actions: []cards.Action{&cards.OpenURLAction{Title: "Sign in", URL: signInURL}},
	}
	if retry != nil {
		c.Actions = append(c.Actions, &cards.ExecuteAction{Title: "Try again", Verb: verb, Data: retry})
	}
	return c
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// adminOnly reports a consent only the tenant's administrator can give.
func adminOnly(err error) bool {
	var fe *flowdeck.Error
	return errors.As(err, &fe) && errors.Is(err, flowdeck.ErrConsentRequired) && fe.Detail[flowdeck.DetailAdminRequired] == "true"
}
