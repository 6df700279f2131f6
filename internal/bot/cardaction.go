package bot

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
)

// cardAction is the value of an adaptiveCard/action invoke.
type cardAction struct {
	Action struct {
		Type string         `json:"type"`
		Verb string         `json:"verb"`
		Data map[string]any `json:"data"`
	} `json:"action"`
	Trigger string `json:"trigger"`
}

// onCardAction answers an Action.Execute: the bot's own verbs (pick,
// list.more, bulk.*, flow.off, signin) here, the others by CardActions, and
// anything unknown with a safe error.
func (b *Bot) onCardAction(ctx context.Context, a *schema.Activity) *botframework.InvokeResponse {
	var v cardAction
	if err := decodeValue(a.Value, &v); err != nil || v.Action.Verb == "" {
		return botframework.CardErrorResponse(http.StatusBadRequest, "invalid", "That button sent nothing I understand.")
	}
	verb := v.Action.Verb
	switch verb {
	case cards.VerbPick:
		var d cards.PickData
		_ = remarshal(v.Action.Data, &d)
		if d.Choice == "" {
			return botframework.CardErrorResponse(http.StatusBadRequest, "invalid", "That choice is no longer valid; ask again.")
		}
		return b.rerun(ctx, a, d.Command, d.Choice, "")
	case cards.VerbListMore:
		var d cards.MoreData
		_ = remarshal(v.Action.Data, &d)
		return b.rerun(ctx, a, d.Command, "", d.Cursor)
	case cards.VerbBulkResubmit, cards.VerbBulkCancel:
		var d cards.BulkData
		_ = remarshal(v.Action.Data, &d)
		return b.cardCommand(ctx, a, Command{Name: "bulk"}, func(ctx context.Context, r *request) reply { return b.bulk(ctx, r, verb, d) })
	case VerbFlowOff:
		var d FlowOffData
		_ = remarshal(v.Action.Data, &d)
		return b.cardCommand(ctx, a, Command{Name: "off"}, func(ctx context.Context, r *request) reply { return b.flowOff(ctx, r, d) })
	case cards.VerbSignIn:
		ctx, r := b.newRequest(ctx, a, Command{Name: "signin"})
		r.invoke = true
		return b.invokeResponse(ctx, r, b.cmdSignIn(ctx, r))
	}
	if b.o.CardActions != nil {
		if res, ok := b.o.CardActions.OnCardAction(ctx, a, verb, v.Action.Data); ok {
			return res
		}
	}
	b.log.LogAttrs(ctx, slog.LevelInfo, "bot: card action not handled", slog.String("verb", clip(verb, 64)))
	return botframework.CardErrorResponse(http.StatusBadRequest, "unknown_action", "This button no longer works. Type help to see what I can do.")
}

// rerun runs the command line a pick or More button carries again, with
// the choice or cursor.
func (b *Bot) rerun(ctx context.Context, a *schema.Activity, line, choice, cursor string) *botframework.InvokeResponse {
	cmd := ParseCommand(line)
	c, ok := lookup(cmd.Name)
	if !ok {
		return botframework.CardErrorResponse(http.StatusBadRequest, "invalid", "That button no longer works; ask again.")
	}
	return b.cardCommand(ctx, a, cmd, func(ctx context.Context, r *request) reply {
		r.choice, r.cursor = clip(choice, 256), clip(cursor, 2048)
		return c.run(b, ctx, r)
	})
}

// cardCommand runs a command for a card button as the user who pressed it
// and answers with the updated card. In a group, unless the command said
// "post", the answer goes to the user's personal chat.
func (b *Bot) cardCommand(ctx context.Context, a *schema.Activity, cmd Command, run func(context.Context, *request) reply) *botframework.InvokeResponse {
	ctx, r := b.newRequest(ctx, a, cmd)
	r.invoke = true
	var rep reply
	var ok bool
	if ctx, rep, ok = b.ensureSignedIn(ctx, r); !ok {
		return b.invokeResponse(ctx, r, rep)
	}
	rep = run(ctx, r)
	if r.group() && !r.cmd.Post && rep.oauth == nil {
		b.goAsync(ctx, "private answer", func(ctx context.Context) { b.sendPrivate(ctx, r, rep) })
		return botframework.MessageResponse(notePrivate)
	}
	return b.invokeResponse(ctx, r, rep)
}
