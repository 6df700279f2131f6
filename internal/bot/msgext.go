package bot

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The message extension's invokes (Teams' search-based message extension
// and link unfurling): botbuilder's TeamsActivityHandler dispatches the
// same names to handleTeamsMessagingExtensionQuery, …SelectItem and
// handleTeamsAppBasedLinkQuery.
const (
	InvokeComposeQuery      = "composeExtension/query"
	InvokeComposeSelectItem = "composeExtension/selectItem"
	InvokeComposeQueryLink  = "composeExtension/queryLink"
)

// The search commands of the message extension (the manifest's
// composeExtensions commands, internal/app ManifestSearchCommands).
const (
	CommandSearchFlows     = "searchFlows"
	CommandSearchFailed    = "searchFailed"
	CommandSearchApprovals = "searchApprovals"
)

// MEResult is composeExtension of a message-extension answer (botbuilder's
// MessagingExtensionResult): type "result" with attachments, "auth" or
// "silentAuth" with the sign-in link in suggestedActions, or "message" with text.
type MEResult struct {
	Type             string         `json:"type"`
	AttachmentLayout string         `json:"attachmentLayout,omitempty"`
	Attachments      []MEAttachment `json:"attachments,omitempty"`
	SuggestedActions *MEActions     `json:"suggestedActions,omitempty"`
	Text             string         `json:"text,omitempty"`
}

// MEAttachment is a result: the card inserted into the message and its
// preview in the result list.
type MEAttachment struct {
	ContentType string         `json:"contentType"`
	Content     any            `json:"content"`
	Preview     *MEPreviewCard `json:"preview,omitempty"`
}

// MEPreviewCard is a result's preview (a thumbnail card).
type MEPreviewCard struct {
	ContentType string               `json:"contentType"`
	Content     *cards.ThumbnailCard `json:"content"`
}

// MEActions holds the sign-in button of an auth or silentAuth answer.
type MEActions struct {
	Actions []MEAction `json:"actions"`
}

// MEAction is an openUrl button.
type MEAction struct {
	Type  string `json:"type"`
	Value string `json:"value"`
	Title string `json:"title"`
}

// meAnswer wraps r as the invoke's 200 body {"composeExtension": r}.
func meAnswer(r MEResult) *botframework.InvokeResponse {
	return &botframework.InvokeResponse{Status: http.StatusOK, Body: map[string]any{"composeExtension": r}}
}

func meMessage(text string) *botframework.InvokeResponse {
	return meAnswer(MEResult{Type: "message", Text: text})
}

// meValue is the value of the three invokes (botbuilder's
// MessagingExtensionQuery, AppBasedLinkQuery, and the tap value of selectItem).
type meValue struct {
	CommandID  string `json:"commandId"`
	Parameters []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"parameters"`
	QueryOptions struct {
		Skip  int `json:"skip"`
		Count int `json:"count"`
	} `json:"queryOptions"`
	URL            string `json:"url"`
	Authentication struct {
		Token string `json:"token"`
	} `json:"authentication"`
}

// onMessageExtension answers the message extension's invokes. Every answer
// is HTTP 200 with {"composeExtension": …}, but the 412 of a query whose SSO
// token could not be exchanged (TeamsFx's executionWithTokenAndConfig:
// Teams then asks the user to consent).
func (b *Bot) onMessageExtension(ctx context.Context, a *schema.Activity) *botframework.InvokeResponse {
	var v meValue
	if err := decodeValue(a.Value, &v); err != nil {
		return meMessage("FlowDeck did not understand that request.")
	}
	ctx, r := b.newRequest(ctx, a, Command{})
	if !r.p.Valid() {
		return meMessage("FlowDeck can't tell who you are. Sign in to Microsoft Teams and try again.")
	}
	// A link FlowDeck does not read is answered before anything else, so a
	// foreign link costs no sign-in and no upstream call.
	var link flowdeck.PortalLink
	if a.Name == InvokeComposeQueryLink {
		var ok bool
		if link, ok = flowdeck.ParsePortalLink(v.URL, b.o.PortalHosts); !ok {
			return b.unfurlNeutral("")
		}
	}
	var sel selection
	if a.Name == InvokeComposeSelectItem {
		var err error
		if sel, err = parseSelection(a.Value); err != nil {
			return meMessage(flowdeck.Message(err))
		}
	}
	if res := b.meSignIn(ctx, r, a.Name, v.Authentication.Token); res != nil {
		return res
	}
	switch a.Name {
	case InvokeComposeQuery:
		return b.meQuery(ctx, v)
	case InvokeComposeSelectItem:
		return b.meSelect(ctx, r, sel)
	}
	return b.unfurl(ctx, r, link)
}

// meSignIn makes sure the user can reach Power Automate; nil means go on.
// A token Teams sent (value.authentication.token, after a silentAuth answer)
// is verified to name the caller and exchanged first. Without a usable
// token the answer is silentAuth with the sign-in page (Teams then gets an
// SSO token and asks again, or shows the sign-in link); after a failed
// exchange a query is answered 412 and a link "auth" (TeamsFx's
// executionWithTokenAndConfig); a consent only an administrator can give is
// a message that says so.
func (b *Bot) meSignIn(ctx context.Context, r *request, name, ssoToken string) *botframework.InvokeResponse {
	if ssoToken != "" {
		err := b.meExchange(ctx, r, ssoToken)
		switch {
		case err == nil:
		case adminOnly(err):
			return meMessage(flowdeck.Message(err) + " Ask your administrator to grant FlowDeck access for your organisation.")
		case name == InvokeComposeQuery:
			b.log.LogAttrs(ctx, slog.LevelInfo, "bot: message extension sign-in failed", slog.String("kind", flowdeck.Code(err)))
			return &botframework.InvokeResponse{Status: http.StatusPreconditionFailed}
		default:
			return b.meAuth(ctx, r, "auth")
		}
	}
	acc := b.flowAccess(ctx, r.p)
	switch {
	case acc.Granted:
		return nil
	case acc.Code == flowdeck.Code(flowdeck.ErrConsentRequired) && acc.AdminConsentURL != "":
		return meMessage("Only your administrator can let FlowDeck reach " + acc.Name + ". Ask them to grant it for your organisation.")
	}
	return b.meAuth(ctx, r, "silentAuth")
}

// meExchange verifies Teams' SSO token for the caller and stores their tokens.
func (b *Bot) meExchange(ctx context.Context, r *request, ssoToken string) error {
	p, err := b.o.SSO.Principal(ctx, ssoToken)
	if err != nil {
		return err
	}
	if !strings.EqualFold(p.TenantID, r.p.TenantID) || !strings.EqualFold(p.UserID, r.p.UserID) {
		return flowdeck.Errorf(flowdeck.ErrUnauthenticated, "That sign-in belongs to someone else.")
	}
	return b.exchange(ctx, p, flowdeck.NewAssertion(ssoToken))
}

// meAuth is the sign-in answer of type typ ("silentAuth" or "auth").
func (b *Bot) meAuth(ctx context.Context, r *request, typ string) *botframework.InvokeResponse {
	u, err := b.o.Consent.StartURL(r.p, r.p.UPN, nil, "")
	if err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: no sign-in URL", slog.Any("err", err))
		return meMessage("FlowDeck can't start the sign-in here. Open the FlowDeck tab to sign in.")
	}
	return meAnswer(MEResult{Type: typ, SuggestedActions: &MEActions{Actions: []MEAction{{Type: "openUrl", Value: u, Title: "Sign in to FlowDeck"}}}})
}
