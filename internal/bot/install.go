package bot

import (
	"context"
	"log/slog"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func (b *Bot) onInstallationUpdate(ctx context.Context, a *schema.Activity) {
	switch action := strings.ToLower(a.Action); {
	case strings.HasPrefix(action, "add"):
		b.goAsync(ctx, "install", func(ctx context.Context) { b.install(ctx, a) })
	case strings.HasPrefix(action, "remove"):
		b.goAsync(ctx, "uninstall", func(ctx context.Context) { b.uninstall(ctx, a) })
	}
}

func (b *Bot) onConversationUpdate(ctx context.Context, a *schema.Activity) {
	for _, m := range a.MembersAdded {
		if m.ID == a.Recipient.ID || m.ID == b.botID || strings.TrimPrefix(m.ID, "28:") == strings.TrimPrefix(b.botID, "28:") {
			b.goAsync(ctx, "install", func(ctx context.Context) { b.install(ctx, a) })
			return
		}
	}
	for _, m := range a.MembersRemoved {
		if m.ID == a.Recipient.ID || m.ID == b.botID {
			b.goAsync(ctx, "uninstall", func(ctx context.Context) { b.uninstall(ctx, a) })
			return
		}
	}
}

// welcomeKey is the dedupe key of the welcome card: Teams sends both
// installationUpdate and conversationUpdate for one install.
func welcomeKey(a *schema.Activity) string {
	return "welcome/" + a.ChannelID + "/" + rootConversation(a.Conversation.ID)
}

// install stores the conversation reference and sends the welcome card once.
func (b *Bot) install(ctx context.Context, a *schema.Activity) {
	ref, ok := b.putConversation(ctx, a)
	if !ok {
		return
	}
	key := welcomeKey(a)
	if _, err := b.o.Dedupe.ClaimNotification(ctx, flowdeck.Notification{Key: key, TenantID: ref.TenantID, ConversationID: ref.ConversationID}); err != nil {
		return // welcomed already (or the log is down: better no welcome than two)
	}
	ctx, r := b.newRequest(ctx, a, Command{})
	signedIn := false
	if r.scope == flowdeck.ScopePersonal && r.p.Valid() {
		signedIn = b.flowAccess(ctx, r.p).Granted
	}
	auto := signedIn && b.watchByDefault(ctx, r, r.p)
	if !b.send(ctx, a.ServiceURL, ref.ConversationID, "", cardReply(cards.WelcomeCard(a.From.Name, signedIn, auto, b.o.TabLink))) {
		_ = b.o.Dedupe.ReleaseNotification(ctx, key)
	}
}

// uninstall forgets the conversation.
func (b *Bot) uninstall(ctx context.Context, a *schema.Activity) {
	c := rootConversation(a.Conversation.ID)
	b.stored.forget(tenantOf(a), c)
	if err := b.o.Conversations.DeleteConversation(ctx, tenantOf(a), c); err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: forget conversation", slog.Any("err", err))
	}
	_ = b.o.Dedupe.ReleaseNotification(ctx, welcomeKey(a))
}

// rootConversation drops a channel thread's ";messageid=…".
func rootConversation(id string) string {
	if i := strings.Index(id, ";messageid="); i >= 0 {
		return id[:i]
	}
	return id
}

func tenantOf(a *schema.Activity) string {
	if a.Conversation.TenantID != "" {
		return a.Conversation.TenantID
	}
	return nested(a.ChannelData, "tenant", "id")
}

// nested reads a string at path in channelData.
func nested(m map[string]any, path ...string) string {
	var cur any = m
	for _, k := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[k]
	}
	s, _ := cur.(string)
	return s
}

// putConversation stores (or refreshes: the serviceUrl changes) the
// conversation reference of a.
func (b *Bot) putConversation(ctx context.Context, a *schema.Activity) (flowdeck.ConversationRef, bool) {
	ref := flowdeck.ConversationRef{
		TenantID: tenantOf(a), ConversationID: rootConversation(a.Conversation.ID), Scope: scopeOf(a),
		ServiceURL: a.ServiceURL, BotID: a.Recipient.ID, ChannelID: a.ChannelID,
		TeamID: nested(a.ChannelData, "team", "id"), ChannelName: nested(a.ChannelData, "channel", "name"),
	}
	if ref.Scope == flowdeck.ScopePersonal {
		ref.UserID = a.From.AadObjectID
	}
	if ref.BotID == "" {
		ref.BotID = b.botID
	}
	if ref.TenantID == "" || ref.ConversationID == "" || ref.ServiceURL == "" || len(ref.ConversationID) > 512 || len(ref.ServiceURL) > 512 {
		return ref, false
	}
	if b.stored.has(ref) {
		return ref, true // unchanged since it was last stored: no write
	}
	if err := b.o.Conversations.PutConversation(ctx, ref); err != nil {
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: store conversation", slog.Any("err", err))
		return ref, false
	}
	b.stored.add(ref)
	return ref, true
}
