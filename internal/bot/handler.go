package bot

import (
	"context"
	"log/slog"
	"strings"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

var _ botframework.Handler = (*Bot)(nil)

// Invoke names the bot handles beyond those botframework names.
const (
	// InvokeSignInFailure is sent by newer Teams clients when SSO failed on their side.
	InvokeSignInFailure = "signin/failure"
)

// OnActivity implements botframework.Handler. Messages are acknowledged at
// once and answered through the connector; invokes are answered in the
// returned response (adaptiveCard/action invokes go to the card-action
// router, internal/cardaction, which calls back RerunCommand and
// AnswerCard); other activity types are acknowledged and ignored.
func (b *Bot) OnActivity(ctx context.Context, a *schema.Activity) (*botframework.InvokeResponse, error) {
	switch a.Type {
	case schema.Message:
		b.onMessage(ctx, a)
	case schema.InstallationUpdate:
		b.onInstallationUpdate(ctx, a)
	case schema.ConversationUpdate:
		b.onConversationUpdate(ctx, a)
	case schema.Invoke:
		return b.onInvoke(ctx, a)
	default:
		b.log.LogAttrs(ctx, slog.LevelDebug, "bot: activity ignored", slog.String("activity_type", string(a.Type)))
	}
	return nil, nil
}

func (b *Bot) onInvoke(ctx context.Context, a *schema.Activity) (*botframework.InvokeResponse, error) {
	switch a.Name {
	case botframework.InvokeTokenExchange:
		return b.onTokenExchange(ctx, a), nil
	case botframework.InvokeVerifyState:
		return b.onVerifyState(ctx, a), nil
	case InvokeSignInFailure:
		code, _ := a.Value["code"].(string)
		msg, _ := a.Value["message"].(string)
		b.log.LogAttrs(ctx, slog.LevelWarn, "bot: Teams reported an SSO failure",
			slog.String("code", flowdeck.Clip(code, 64)), slog.String("message", flowdeck.Clip(msg, 200)))
		return &botframework.InvokeResponse{Status: 200}, nil
	case InvokeComposeQuery, InvokeComposeSelectItem, InvokeComposeQueryLink:
		return b.onMessageExtension(ctx, a), nil
	}
	b.log.LogAttrs(ctx, slog.LevelInfo, "bot: invoke not handled", slog.String("invoke", flowdeck.Clip(a.Name, 64)))
	return nil, nil
}

// mentioned reports whether a message mentions someone (in a group, Teams
// delivers messages to the bot only when it is @mentioned).
func mentioned(a *schema.Activity) bool {
	for _, e := range a.Entities {
		if strings.EqualFold(e.Type, "mention") {
			return true
		}
	}
	return strings.Contains(strings.ToLower(a.Text), "<at")
}

func (b *Bot) onMessage(ctx context.Context, a *schema.Activity) {
	scope := scopeOf(a)
	if scope != "personal" && !mentioned(a) {
		b.goAsync(ctx, "refresh", func(ctx context.Context) { b.putConversation(ctx, a) })
		return
	}
	if strings.TrimSpace(a.Text) == "" && len(a.Value) > 0 {
		// An Action.Submit; FlowDeck's cards use Action.Execute only.
		b.log.LogAttrs(ctx, slog.LevelInfo, "bot: Action.Submit ignored")
		return
	}
	b.goAsync(ctx, "message", func(ctx context.Context) {
		// The answer does not need the stored reference: store it after
		// answering, so the user never waits on the database for it.
		defer b.putConversation(ctx, a)
		ctx, r := b.newRequest(ctx, a, ParseCommand(a.Text))
		rep := b.execute(ctx, r)
		b.deliver(ctx, r, rep)
	})
}

// execute runs r's command and returns the answer.
func (b *Bot) execute(ctx context.Context, r *request) reply {
	if r.cmd.Name == "" {
		return b.cmdHelp(ctx, r)
	}
	c, ok := lookup(r.cmd.Name)
	if !ok {
		return b.unknown(r.cmd.Name)
	}
	if c.tokens {
		var rep reply
		if ctx, rep, ok = b.ensureSignedIn(ctx, r); !ok {
			return rep
		}
	}
	if c.upstream {
		b.typing(ctx, r)
	}
	rep := c.run(b, ctx, r)
	if !c.private {
		rep.public = rep.oauth == nil
	}
	return rep
}
