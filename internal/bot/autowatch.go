package bot

import (
	"context"
	"log/slog"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// watchByDefault gives p the default subscription (ops.WatchByDefault)
// when FlowDeck can reach them in their personal chat: the request's own
// conversation when it is that chat (stored first), or one stored earlier.
// It reports whether the default was made now; failures are logged, never
// shown: the sign-in itself succeeded.
func (b *Bot) watchByDefault(ctx context.Context, r *request, p flowdeck.Principal) bool {
	if !p.Valid() {
		return false
	}
	if r.scope == flowdeck.ScopePersonal && r.a != nil {
		if _, ok := b.putConversation(ctx, r.a); !ok {
			return false
		}
	} else if _, err := b.o.Conversations.PersonalConversation(ctx, p.TenantID, p.UserID); err != nil {
		return false // no chat to post to yet: the install will do it
	}
	_, created, err := b.o.Ops.WatchByDefault(flowdeck.WithPrincipal(ctx, p))
	if err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: default subscription", slog.String("kind", flowdeck.Code(err)), slog.Any("err", err))
		return false
	}
	if created {
		b.log.LogAttrs(ctx, slog.LevelInfo, "bot: default subscription made at the first sign-in")
	}
	return created
}

// signedInReply announces a sign-in, and, with a card of its choices under
// the text, the default subscription when the sign-in made it.
func (b *Bot) signedInReply(ctx context.Context, r *request, p flowdeck.Principal) reply {
	if b.watchByDefault(ctx, r, p) {
		return reply{text: signedInText(p), card: cards.SignedInCard()}
	}
	return textReply(signedInText(p))
}
