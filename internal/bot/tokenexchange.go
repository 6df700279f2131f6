package bot

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// failureDetail is what a 412 answer to signin/tokenExchange says; Teams
// then shows the OAuth card's sign-in button. It is the text of botbuilder's
// TeamsSSOTokenExchangeMiddleware.
const failureDetail = "The bot is unable to exchange token. Proceed with regular login."

// tokenExchangeBody is the answer to signin/tokenExchange.
type tokenExchangeBody struct {
	ID             string `json:"id"`
	ConnectionName string `json:"connectionName"`
	FailureDetail  string `json:"failureDetail,omitempty"`
}

// tokenExchangeKey is the dedupe key of one exchange: botbuilder's
// "{channelId}/{conversation.id}/{value.id}", and the user it signed in.
func tokenExchangeKey(a *schema.Activity, id string, p flowdeck.Principal) string {
	return "tokenexchange/" + a.ChannelID + "/" + a.Conversation.ID + "/" + id + "/" + strings.ToLower(p.UserID)
}

// onTokenExchange answers signin/tokenExchange in the order of botbuilder's
// TeamsSSOTokenExchangeMiddleware: exchange first, then dedupe. A user
// signed in to several Teams clients makes each send the same exchange id;
// when the exchange fails (consent needed), every one of them gets the 412
// and shows its sign-in button. When it succeeds, the id is remembered, so
// a duplicate is answered 200 with an empty body and no second OBO
// exchange; duplicates that arrive while the exchange is under way share it.
func (b *Bot) onTokenExchange(ctx context.Context, a *schema.Activity) *botframework.InvokeResponse {
	var v struct {
		ID             string `json:"id"`
		ConnectionName string `json:"connectionName"`
		Token          string `json:"token"`
	}
	_ = decodeValue(a.Value, &v)
	v.ID, v.ConnectionName = flowdeck.Clip(v.ID, 128), flowdeck.Clip(v.ConnectionName, 128)
	fail := func(status int, reason string, err error) *botframework.InvokeResponse {
		b.log.LogAttrs(ctx, slog.LevelInfo, "bot: token exchange failed", slog.String("reason", reason),
			slog.String("kind", flowdeck.Code(err)), slog.Any("err", err))
		return &botframework.InvokeResponse{Status: status, Body: tokenExchangeBody{ID: v.ID, ConnectionName: v.ConnectionName, FailureDetail: failureDetail}}
	}
	if v.ID == "" || v.Token == "" {
		return fail(http.StatusBadRequest, "no id or token", nil)
	}
	ctx, r := b.newRequest(ctx, a, Command{Name: "signin"})
	p, err := b.o.SSO.Principal(ctx, v.Token)
	if err != nil {
		return fail(http.StatusPreconditionFailed, "invalid SSO token", err)
	}
	if !strings.EqualFold(p.TenantID, r.caller.TenantID) || !strings.EqualFold(p.UserID, r.caller.UserID) {
		return fail(http.StatusPreconditionFailed, "the token's user is not the caller", nil)
	}
	// Verified: from here on the token travels as an Assertion, which never prints it.
	assertion := flowdeck.NewAssertion(v.Token)
	key := tokenExchangeKey(a, v.ID, p)
	if n, err := b.o.Dedupe.GetNotification(ctx, key); err == nil && n.State == flowdeck.NotificationSent {
		b.log.LogAttrs(ctx, slog.LevelInfo, "bot: duplicate of a completed token exchange answered")
		return &botframework.InvokeResponse{Status: http.StatusOK}
	}
	// Duplicates that arrive while the exchange runs wait for it and share
	// its outcome; it runs on past the first caller's cancellation.
	if _, busy := b.exchanging.Load(key); busy {
		b.log.LogAttrs(ctx, slog.LevelInfo, "bot: duplicate joins the token exchange under way")
	}
	_, err, shared := b.exchanges.Do(key, func() (any, error) {
		b.exchanging.Store(key, struct{}{})
		defer b.exchanging.Delete(key)
		xctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.o.CommandTimeout)
		defer cancel()
		return nil, b.exchange(xctx, p, assertion)
	})
	if err != nil {
		if adminOnly(err) && !shared {
			// Teams will show the sign-in button, whose consent page refuses
			// this user: say in the chat who can grant it, with the link.
			b.goAsync(ctx, "admin consent needed", func(ctx context.Context) {
				b.send(ctx, r.caller.ServiceURL, r.caller.ConversationID, "", cardReply(cards.ErrorCard(err, cards.ErrorOptions{})))
			})
		}
		return fail(http.StatusPreconditionFailed, "exchange", err)
	}
	// Dedupe second: of the callers whose exchange succeeded, one announces
	// the sign-in; the others are answered 200 with an empty body.
	if _, err := b.o.Dedupe.ClaimNotification(ctx, flowdeck.Notification{Key: key, TenantID: r.caller.TenantID, ConversationID: a.Conversation.ID}); err != nil {
		if errors.Is(err, flowdeck.ErrConflict) {
			b.log.LogAttrs(ctx, slog.LevelInfo, "bot: duplicate token exchange answered")
			return &botframework.InvokeResponse{Status: http.StatusOK}
		}
		// The tokens are stored: the user is signed in, only the
		// announcement is left out.
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: token exchange dedupe log", slog.Any("err", err))
		return &botframework.InvokeResponse{Status: http.StatusOK, Body: tokenExchangeBody{ID: v.ID, ConnectionName: v.ConnectionName}}
	}
	_ = b.o.Dedupe.CompleteNotification(ctx, key, "", 1)
	r.p = p
	b.goAsync(ctx, "signed in", func(ctx context.Context) {
		b.send(ctx, r.caller.ServiceURL, r.caller.ConversationID, "", b.signedInReply(ctx, r, p))
	})
	return &botframework.InvokeResponse{Status: http.StatusOK, Body: tokenExchangeBody{ID: v.ID, ConnectionName: v.ConnectionName}}
}

// exchange runs the OBO exchange of every audience; it fails when any does.
func (b *Bot) exchange(ctx context.Context, p flowdeck.Principal, assertion flowdeck.Assertion) error {
	res, err := b.o.Tokens.Exchange(ctx, p, assertion)
	if err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(res)) {
		if res[k] != nil {
			return res[k]
		}
	}
	return nil
}

// decodeValue reads an invoke's value into v.
func decodeValue(m map[string]any, v any) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
