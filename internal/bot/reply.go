package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// replyTimeout bounds the delivery of one answer.
const replyTimeout = 30 * time.Second

// replyContext gives the delivery of an answer its own deadline, apart from
// the work that produced it: a command that ran out of its time must still
// be able to say so. It keeps ctx's values (the logger's request id).
func replyContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
}

// reply is an answer: a card, an OAuth (sign-in) card, or a short text.
type reply struct {
	text string
	card *cards.AdaptiveCard
	// encoded, when set, is card already encoded (a card that never changes,
	// encoded once per process), sent as it is.
	encoded botframework.CompactJSON
	oauth   *cards.OAuthCard
	// public: the answer shows nobody's data, so a group may see it.
	public bool
}

func textReply(s string) reply              { return reply{text: s} }
func cardReply(c *cards.AdaptiveCard) reply { return reply{card: c} }

// activity is the message that carries rep.
func (rep reply) activity() *schema.Activity {
	a := &schema.Activity{Type: schema.Message}
	switch {
	case rep.oauth != nil:
		at := rep.oauth.Attachment()
		a.Attachments = []schema.Attachment{{ContentType: at.ContentType, Content: at.Content}}
	case rep.encoded != nil:
		a.Attachments = []schema.Attachment{{ContentType: cards.ContentType, Content: rep.encoded}}
	case rep.card != nil:
		at := rep.card.Attachment()
		a.Attachments = []schema.Attachment{{ContentType: at.ContentType, Content: at.Content}}
		if rep.text != "" {
			a.Text, a.TextFormat = rep.text, "markdown" // shown above the card
		}
	default:
		a.Text, a.TextFormat = rep.text, "markdown"
	}
	return a
}

// Notes the bot posts in a group instead of a user's data.
const (
	notePrivate     = "I've sent you the answer in our personal chat."
	noteSignIn      = "I've sent you a sign-in card in our personal chat."
	noteUnreachable = "I can't reach you in a personal chat yet. Open FlowDeck from the Apps menu, say hi, then ask again."
)

// deliver sends rep where it belongs: in place in a personal chat; in a
// group, in the thread when it is public or the user said "post", else to
// the user's personal chat with a neutral note in the group.
func (b *Bot) deliver(ctx context.Context, r *request, rep reply) {
	if !r.group() {
		b.send(ctx, r.caller.ServiceURL, r.caller.ConversationID, "", rep)
		return
	}
	if rep.oauth == nil && (rep.public || r.cmd.Post) {
		b.send(ctx, r.caller.ServiceURL, r.caller.ConversationID, r.a.ID, rep)
		return
	}
	note := notePrivate
	if rep.oauth != nil {
		note = noteSignIn
	}
	if !b.sendPrivate(ctx, r, rep) {
		note = noteUnreachable
	}
	b.send(ctx, r.caller.ServiceURL, r.caller.ConversationID, r.a.ID, textReply(note))
}

// sendPrivate sends rep to the user's personal chat, creating it if needed.
func (b *Bot) sendPrivate(ctx context.Context, r *request, rep reply) bool {
	ctx, cancel := replyContext(ctx)
	defer cancel()
	su, cid, err := b.personalChat(ctx, r)
	if err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: no personal chat", slog.String("user_id", r.caller.UserID), slog.Any("err", err))
		return false
	}
	return b.send(ctx, su, cid, "", rep)
}

// personalChat returns the serviceUrl and id of the user's 1:1 chat with the bot.
func (b *Bot) personalChat(ctx context.Context, r *request) (string, string, error) {
	if !r.group() {
		return r.caller.ServiceURL, r.caller.ConversationID, nil
	}
	ref, err := b.o.Conversations.PersonalConversation(ctx, r.caller.TenantID, r.caller.UserID)
	if err == nil && ref.ConversationID != "" {
		return ref.ServiceURL, ref.ConversationID, nil
	}
	if err != nil && !errors.Is(err, flowdeck.ErrNotFound) {
		return "", "", err
	}
	member := r.caller.UserMRI
	if member == "" {
		member = r.caller.UserID
	}
	cid, err := b.o.Connector.CreateConversation(ctx, r.caller.ServiceURL, r.caller.TenantID, b.botID, member)
	if err != nil {
		return "", "", err
	}
	ref = flowdeck.ConversationRef{TenantID: r.caller.TenantID, ConversationID: cid, Scope: flowdeck.ScopePersonal,
		UserID: r.caller.UserID, ServiceURL: r.caller.ServiceURL, BotID: b.botID, ChannelID: r.caller.ChannelID}
	if err := b.o.Conversations.PutConversation(ctx, ref); err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: store the personal chat", slog.Any("err", err))
	}
	return r.caller.ServiceURL, cid, nil
}

// send posts rep (as a thread reply when replyTo is set). An answer too
// large for Teams is replaced by a short text.
func (b *Bot) send(ctx context.Context, serviceURL, conversationID, replyTo string, rep reply) bool {
	ctx, cancel := replyContext(ctx)
	defer cancel()
	post := func(a *schema.Activity) error {
		var err error
		if replyTo != "" {
			_, err = b.o.Connector.ReplyToActivity(ctx, serviceURL, conversationID, replyTo, a)
		} else {
			_, err = b.o.Connector.SendToConversation(ctx, serviceURL, conversationID, a)
		}
		return err
	}
	err := post(rep.activity())
	if errors.Is(err, botframework.ErrMessageTooLarge) {
		err = post(textReply("That answer is too large for a chat message; open the FlowDeck tab to see it all.").activity())
	}
	if err != nil {
		level := slog.LevelWarn
		if errors.Is(err, botframework.ErrMessageWritesBlocked) {
			level = slog.LevelInfo
		}
		b.log.LogAttrs(ctx, level, "bot: send failed", slog.String("conversation_id", conversationID), slog.Any("err", err))
		return false
	}
	return true
}

// typing shows the typing indicator where the answer will appear.
func (b *Bot) typing(ctx context.Context, r *request) {
	if r.invoke {
		return
	}
	su, cid := r.caller.ServiceURL, r.caller.ConversationID
	if r.group() && !r.cmd.Post {
		ref, err := b.o.Conversations.PersonalConversation(ctx, r.caller.TenantID, r.caller.UserID)
		if err != nil {
			return
		}
		su, cid = ref.ServiceURL, ref.ConversationID
	}
	if err := b.o.Connector.SendTyping(ctx, su, cid); err != nil {
		b.log.LogAttrs(ctx, slog.LevelDebug, "bot: typing failed", slog.Any("err", err))
	}
}
