package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

// OAuthCardContentType is the attachment type of a Bot Framework OAuth card.
const OAuthCardContentType = "application/vnd.microsoft.card.oauth"

// WebApplicationInfo is the Teams manifest's webApplicationInfo: the Entra
// app Teams gets SSO tokens from, and the resource (Application ID URI)
// they are for.
type WebApplicationInfo struct {
	// ID is the Entra app (client) id.
	ID string `json:"id"`
	// Resource is the Application ID URI, the audience of the SSO token.
	Resource string `json:"resource"`
}

// SSOMint gets u's SSO token for audience, as the Teams client gets one
// silently (getAuthToken) for the manifest's webApplicationInfo.resource.
type SSOMint func(ctx context.Context, u demo.User, audience string) (string, error)

// OAuthCardOutcome is what the Teams client did with an OAuth card.
type OAuthCardOutcome struct {
	// Exchanged: the bot answered signin/tokenExchange with 200, so Teams
	// does not show the card.
	Exchanged bool
	// Shown: Teams shows the card and its sign-in button.
	Shown bool
	// Failure is the signin/failure code Teams reports instead of
	// exchanging, e.g. "resourcematchfailed"; "" when none.
	Failure string
	// Exchange is the bot's answer to signin/tokenExchange (zero if none was sent).
	Exchange Result
	// SignInURL is the card's sign-in button, which Teams opens when shown.
	SignInURL string
	// ConnectionName and ExchangeID are the card's, as Teams echoes them.
	ConnectionName, ExchangeID string
}

// oauthCard is the part of an OAuth card Teams reads.
type oauthCard struct {
	ConnectionName string `json:"connectionName"`
	Buttons        []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"buttons"`
	TokenExchangeResource *struct {
		ID         string `json:"id"`
		URI        string `json:"uri"`
		ProviderID string `json:"providerId"`
	} `json:"tokenExchangeResource"`
}

// HandleOAuthCard does with the OAuth card in rec (a message the bot sent,
// as the connector recorded it) what u's Teams client does, with app the
// manifest's webApplicationInfo:
//
//   - silent SSO only in the personal chat, and only when the card has a
//     tokenExchangeResource with an id (learn.microsoft.com/microsoftteams/platform/bots/how-to/authentication/bot-sso-code);
//   - a tokenExchangeResource.uri that is not app.Resource is refused as
//     signin/failure "resourcematchfailed" (Teams SDK docs, "SSO
//     troubleshooting"); the fake records it and shows the card (whether
//     Teams also invokes the bot is unverified);
//   - otherwise Teams gets u's token for app.Resource and sends
//     signin/tokenExchange {id, connectionName, token} with the card's id
//     and connectionName (microsoft/botbuilder-js TokenExchangeInvokeRequest);
//   - any answer but 200 makes Teams show the card (tab-sso-troubleshooting,
//     "Bot SSO token error").
func (d *Driver) HandleOAuthCard(ctx context.Context, u demo.User, rec Record, app WebApplicationInfo, mint SSOMint) (OAuthCardOutcome, error) {
	var a struct {
		Attachments []struct {
			ContentType string          `json:"contentType"`
			Content     json.RawMessage `json:"content"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(rec.Raw, &a); err != nil {
		return OAuthCardOutcome{}, fmt.Errorf("connector: OAuth card activity: %w", err)
	}
	var card *oauthCard
	for _, att := range a.Attachments {
		if att.ContentType == OAuthCardContentType {
			card = &oauthCard{}
			if err := json.Unmarshal(att.Content, card); err != nil {
				return OAuthCardOutcome{}, fmt.Errorf("connector: OAuth card: %w", err)
			}
			break
		}
	}
	if card == nil {
		return OAuthCardOutcome{}, errors.New("connector: the activity holds no OAuth card")
	}
	out := OAuthCardOutcome{ConnectionName: card.ConnectionName}
	for _, b := range card.Buttons {
		if b.Type == "signin" {
			out.SignInURL = b.Value
		}
	}
	personal := rec.ConversationID == d.ConversationID(u)
	if card.TokenExchangeResource == nil || card.TokenExchangeResource.ID == "" || !personal {
		out.Shown = true
		return out, nil
	}
	out.ExchangeID = card.TokenExchangeResource.ID
	if uri := card.TokenExchangeResource.URI; uri != "" && uri != app.Resource {
		out.Failure, out.Shown = "resourcematchfailed", true
		return out, nil
	}
	token, err := mint(ctx, u, app.Resource)
	if err != nil {
		return out, fmt.Errorf("connector: SSO token for %s: %w", app.Resource, err)
	}
	inv := d.Activity(u, "invoke")
	inv["name"] = "signin/tokenExchange"
	inv["value"] = map[string]any{"id": out.ExchangeID, "connectionName": card.ConnectionName, "token": token}
	if out.Exchange, err = d.Send(ctx, inv); err != nil {
		return out, err
	}
	out.Exchanged = out.Exchange.Status == http.StatusOK
	out.Shown = !out.Exchanged
	return out, nil
}
