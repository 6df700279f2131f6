package bot

import (
	"context"
	"net/http"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// RerunCommand runs the command line a pick or More button carries again,
// as the user who pressed it, with the choice or cursor. The card-action
// router (internal/cardaction) calls it after its sign-in policy let the
// user through; when the command finds the user must sign in (again), the
// error says so, with the sign-in page in Detail[flowdeck.DetailSignInURL], and the
// router answers with its loginRequest. In a group, unless the command said
// "post", the answer goes to the user's personal chat (answerCard).
func (b *Bot) RerunCommand(ctx context.Context, a *schema.Activity, line, choice, cursor string) (*botframework.InvokeResponse, error) {
	cmd := ParseCommand(line)
	c, ok := lookup(cmd.Name)
	if !ok {
		return botframework.CardErrorResponse(http.StatusBadRequest, "invalid", "That button no longer works; ask again."), nil
	}
	ctx, r := b.newRequest(ctx, a, cmd)
	r.invoke = true
	r.choice, r.cursor = flowdeck.Clip(choice, 256), flowdeck.Clip(cursor, 2048)
	rep := c.run(b, ctx, r)
	if rep.oauth != nil {
		u := ""
		if len(rep.oauth.Buttons) > 0 {
			u = rep.oauth.Buttons[0].Value
		}
		return nil, &flowdeck.Error{Kind: flowdeck.ErrUnauthenticated, Message: rep.oauth.Text, Detail: map[string]string{flowdeck.DetailSignInURL: u}}
	}
	return b.answerCard(ctx, r, rep), nil
}

// AnswerCard answers the user who pressed a button on a card with c, a card
// holding their data (a bulk result, a flow turned off): in place in a
// personal chat; in a group, in their personal chat with a note under the
// card, as the chat commands do.
func (b *Bot) AnswerCard(ctx context.Context, a *schema.Activity, c *cards.AdaptiveCard) *botframework.InvokeResponse {
	ctx, r := b.newRequest(ctx, a, Command{})
	r.invoke = true
	return b.answerCard(ctx, r, cardReply(c))
}

// answerCard is the group-chat "answer privately" rule of card actions: in
// a group, unless the command said "post", the answer goes to the user's
// personal chat and the invoker gets a note.
func (b *Bot) answerCard(ctx context.Context, r *request, rep reply) *botframework.InvokeResponse {
	if r.group() && !r.cmd.Post {
		b.goAsync(ctx, "private answer", func(ctx context.Context) { b.sendPrivate(ctx, r, rep) })
		return botframework.MessageResponse(notePrivate)
	}
	if rep.card != nil {
		return botframework.CardResponse(rep.card)
	}
	return botframework.MessageResponse(rep.text)
}
