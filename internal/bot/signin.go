package bot

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"

	"github.com/google/uuid"
	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// audienceFlow is the registry key of Power Automate, the audience every
// token-needing command needs.
const audienceFlow = "flow"

// flowAccess returns whether the user's Power Automate tokens are usable.
func (b *Bot) flowAccess(ctx context.Context, p flowdeck.Principal) flowdeck.Access {
	for _, a := range b.o.Tokens.Access(ctx, p) {
		if a.Audience == audienceFlow {
			return a
		}
	}
	return flowdeck.Access{Audience: audienceFlow, Code: flowdeck.Code(flowdeck.ErrUnauthenticated)}
}

// ensureSignedIn checks that the user can reach Power Automate. When not,
// it returns the sign-in or consent card to answer with.
func (b *Bot) ensureSignedIn(ctx context.Context, r *request) (context.Context, reply, bool) {
	if !r.p.Valid() {
		return ctx, textReply("I can't tell who you are, so I can't show your flows. Talk to me from Microsoft Teams while signed in."), false
	}
	acc := b.flowAccess(ctx, r.p)
	if acc.Granted {
		return ctx, reply{}, true
	}
	if acc.Code == flowdeck.Code(flowdeck.ErrConsentRequired) && acc.AdminConsentURL != "" {
		// Only an administrator can consent: their link and the sentence to forward.
		err := &flowdeck.Error{Kind: flowdeck.ErrConsentRequired, Message: acc.Message, Detail: map[string]string{
			flowdeck.DetailAdminRequired: "true", flowdeck.DetailAdminConsentURL: acc.AdminConsentURL, flowdeck.DetailAudienceName: acc.Name}}
		return ctx, cardReply(cards.ErrorCard(err, cards.ErrorOptions{})), false
	}
	if acc.Code == flowdeck.Code(flowdeck.ErrConsentRequired) {
		u := acc.ConsentURL
		if u == "" {
			u, _ = b.o.Consent.StartURL(r.p, r.p.UPN, nil, "consent")
		}
		err := flowdeck.Errorf(flowdeck.ErrConsentRequired, "FlowDeck needs your consent to reach %s.", cmp.Or(acc.Name, "Power Automate"))
		return ctx, cardReply(cards.ErrorCard(err, cards.ErrorOptions{ConsentURL: u})), false
	}
	if acc.Code == flowdeck.Code(flowdeck.ErrInteractionRequired) && acc.ConsentURL != "" {
		// Entra wants more than a silent sign-in (MFA, a Conditional Access
		// claims challenge): the broker's URL carries the challenge.
		return ctx, b.oauthReplyURL(ctx, r, cmp.Or(acc.Message, "Sign in to FlowDeck so I can work with your flows."), acc.ConsentURL), false
	}
	return ctx, b.oauthReply(ctx, r, "Sign in to FlowDeck so I can work with your flows."), false
}

// oauthReply is the OAuth card that starts Teams SSO.
func (b *Bot) oauthReply(ctx context.Context, r *request, text string) reply {
	return b.oauthReplyURL(ctx, r, text, "")
}

// oauthReplyURL is oauthReply whose sign-in button opens u (a sign-in URL
// from a token error, which may carry a claims challenge); "" starts a plain
// sign-in.
func (b *Bot) oauthReplyURL(ctx context.Context, r *request, text, u string) reply {
	if u == "" {
		var err error
		if u, err = b.o.Consent.StartURL(r.p, r.p.UPN, nil, ""); err != nil {
			b.log.LogAttrs(ctx, slog.LevelWarn, "bot: no sign-in URL", slog.Any("err", err))
			return textReply("I can't start the sign-in for you here. Open the FlowDeck tab to sign in.")
		}
	}
	return reply{oauth: cards.NewOAuthCard(text, "", uuid.NewString(), b.o.AppIDURI, u)}
}

// cmdSignIn sends the OAuth card (1:1 only: deliver sends it there).
func (b *Bot) cmdSignIn(ctx context.Context, r *request) reply {
	if !r.p.Valid() {
		return textReply("I can't tell who you are; talk to me from Microsoft Teams while signed in.")
	}
	return b.oauthReply(ctx, r, "Sign in to FlowDeck")
}

// cmdSignOut forgets the user's tokens.
func (b *Bot) cmdSignOut(ctx context.Context, r *request) reply {
	if !r.p.Valid() {
		return textReply("You're not signed in.")
	}
	if err := b.o.Tokens.SignOut(ctx, r.p); err != nil {
		return b.errorReply(ctx, r, err)
	}
	return textReply("You're signed out. Your alerts pause until you sign in again (type **signin**).")
}

func signedInText(p flowdeck.Principal) string {
	who := ""
	if p.Name != "" {
		who = " as " + cards.Escape(cards.OneLine(flowdeck.Clip(p.Name, 80)))
	}
	return "You're signed in" + who + ". Type **help** to see what I can do."
}

// onVerifyState answers signin/verifyState (the sign-in popup finished):
// signed in now → a message; else the OAuth card again. Always 200.
func (b *Bot) onVerifyState(ctx context.Context, a *schema.Activity) *botframework.InvokeResponse {
	ctx, r := b.newRequest(ctx, a, Command{Name: "signin"})
	if r.p.Valid() && b.flowAccess(ctx, r.p).Granted {
		b.goAsync(ctx, "signed in", func(ctx context.Context) {
			b.send(ctx, r.caller.ServiceURL, r.caller.ConversationID, "", b.signedInReply(ctx, r, r.p))
		})
		return &botframework.InvokeResponse{Status: http.StatusOK}
	}
	rep := b.oauthReply(ctx, r, "Sign in to FlowDeck")
	b.goAsync(ctx, "oauth card", func(ctx context.Context) { b.deliver(ctx, r, rep) })
	return &botframework.InvokeResponse{Status: http.StatusOK}
}
