package botframework

import (
	"net/http"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TokenExchangeFailureDetail is the failureDetail of a failed
// signin/tokenExchange, the text of botbuilder's TeamsSSOTokenExchangeMiddleware.
const TokenExchangeFailureDetail = "The bot is unable to exchange token. Proceed with regular login."

// TokenExchangeBody is the answer to signin/tokenExchange (botbuilder's
// TokenExchangeInvokeResponse): the request's id and connectionName echoed,
// and a failureDetail when the exchange failed.
type TokenExchangeBody struct {
	ID             string `json:"id"`
	ConnectionName string `json:"connectionName"`
	FailureDetail  string `json:"failureDetail,omitempty"`
}

// TokenExchangeFailed answers a signin/tokenExchange whose exchange failed:
// 412 Precondition Failed with the request's id and connectionName and
// TokenExchangeFailureDetail.
//
// This is the one place where the bot endpoint does not answer an error
// with its kind's status from flowdeck's table (flowdeck.HTTPStatus). Teams
// reads a 412 to signin/tokenExchange as "the silent exchange failed" and
// falls back to the OAuth card's sign-in button, where the user can give
// the consent (or do the interaction) that was missing; botbuilder's
// TeamsSSOTokenExchangeMiddleware answers every failed exchange so ("If token
// exchange failed for any reason … we send back a failure invoke response",
// github.com/microsoft/botbuilder-js libraries/botbuilder/src/teams/teamsSSOTokenExchangeMiddleware.ts,
// the same in botbuilder-dotnet's TeamsSSOTokenExchangeMiddleware.cs), as
// does the Agents SDK (microsoft/Agents-for-python PR 380: consent required
// in the exchange is a 412 InvokeResponse). So consent required, interaction
// required and any other failure of the exchange are 412 here, and only
// here: every other invoke, message and the tab API answer consent required
// with the table's 403.
func TokenExchangeFailed(a *schema.Activity) *InvokeResponse {
	id, _ := a.Value["id"].(string)
	conn, _ := a.Value["connectionName"].(string)
	return &InvokeResponse{Status: http.StatusPreconditionFailed, Body: TokenExchangeBody{
		ID: flowdeck.Clip(id, 128), ConnectionName: flowdeck.Clip(conn, 128), FailureDetail: TokenExchangeFailureDetail,
	}}
}

// errorResponse is the endpoint's answer to a handler's error for activity
// a: the status of the error's kind from the one table (flowdeck.HTTPStatus)
// with {"error":{code,message}}; for adaptiveCard/action the same status,
// code and sentence in an HTTP 200 error body (the Universal Actions
// contract); for signin/tokenExchange the Bot Framework override,
// TokenExchangeFailed.
func errorResponse(a *schema.Activity, err error) *InvokeResponse {
	status, code, msg := flowdeck.HTTPStatus(err), flowdeck.Code(err), flowdeck.Message(err)
	if a.Type == schema.Invoke {
		switch a.Name {
		case InvokeTokenExchange:
			return TokenExchangeFailed(a)
		case InvokeAdaptiveCardAction:
			return CardErrorResponse(status, code, msg)
		}
	}
	return &InvokeResponse{Status: status, Body: errorBody(code, msg)}
}

// errorBody is the endpoint's error body, {"error":{"code","message"}}.
func errorBody(code, message string) any {
	return map[string]any{"error": map[string]string{"code": code, "message": message}}
}
