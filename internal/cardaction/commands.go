package cardaction

import (
	"context"
	"errors"
	"net/http"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Commands is the chat side of the card actions (*bot.Bot): the buttons that
// run a chat command again, and where an answer holding a user's data goes
// in a group. The router depends on the bot, never the other way round.
type Commands interface {
	// RerunCommand runs the chat command line again as the invoker of the
	// card action a, with choice (a pick) or cursor (a More page), once the
	// router's sign-in policy let them through. It answers as the command
	// does in chat: in a group, an answer holding the user's data goes to
	// their personal chat, with a note under the card. An error means the
	// user must sign in (again) first: its Detail[flowdeck.DetailSignInURL], when set,
	// is the sign-in page (it may carry a claims challenge).
	RerunCommand(ctx context.Context, a *schema.Activity, line, choice, cursor string) (*botframework.InvokeResponse, error)
	// AnswerCard answers the invoker of a with c, a card holding their data:
	// in place, or in a group (unless the card is public) in their personal
	// chat, with a note under the card.
	AnswerCard(ctx context.Context, a *schema.Activity, c *cards.AdaptiveCard) *botframework.InvokeResponse
}

// pick runs the command of a pick-list card again with the choice.
func (rt *Router) pick(in *invocation) *botframework.InvokeResponse {
	f := newFields(in.data, "command", "choice")
	line, choice := f.str("command", true), f.str("choice", true)
	if f.err != nil {
		return errorCard(invalid("That choice is no longer valid; ask again."), nil)
	}
	return rt.rerun(in, line, flowdeck.Clip(choice, 256), "")
}

// listMore runs the command of a list card again for the next page.
func (rt *Router) listMore(in *invocation) *botframework.InvokeResponse {
	f := newFields(in.data, "command", "cursor")
	line, cursor := f.str("command", true), f.str("cursor", false)
	if f.err != nil {
		return errorCard(invalid("That button no longer works; ask again."), nil)
	}
	return rt.rerun(in, line, "", flowdeck.Clip(cursor, 2048))
}

// rerun applies the sign-in policy, then has the bot run the command.
func (rt *Router) rerun(in *invocation, line, choice, cursor string) *botframework.InvokeResponse {
	if rt.o.Commands == nil {
		return botframework.CardErrorResponse(http.StatusBadRequest, "unknown_action", "This button no longer works. Type help to see what I can do.")
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	res, err := rt.o.Commands.RerunCommand(in.ctx, in.a, flowdeck.Clip(line, 1024), choice, cursor)
	if err != nil {
		return rt.login(in, err, in.data)
	}
	return res
}

// answer gives the invoker c: through the bot (privately in a group) when
// there is one, else in place.
func (rt *Router) answer(in *invocation, c *cards.AdaptiveCard) *botframework.InvokeResponse {
	if rt.o.Commands == nil {
		return botframework.CardResponse(c)
	}
	return rt.o.Commands.AnswerCard(in.ctx, in.a, c)
}

// signIn answers the Sign in button of FlowDeck's cards with the sign-in
// policy itself: a loginRequest when the user has no usable token, else a
// short confirmation.
func (rt *Router) signIn(in *invocation) *botframework.InvokeResponse {
	if res := rt.ensureToken(in, nil); res != nil {
		return res
	}
	return botframework.MessageResponse("You're signed in. Type help to see what I can do.")
}

// failedWith answers an action that failed: the sign-in policy when the
// user must sign in (again), else a card that explains err.
func (rt *Router) failedWith(in *invocation, err error, retry any) *botframework.InvokeResponse {
	switch flowdeck.KindOf(err) {
	case flowdeck.ErrUnauthenticated, flowdeck.ErrInteractionRequired, flowdeck.ErrConsentRequired:
		return rt.login(in, err, retry)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = flowdeck.Wrap(flowdeck.ErrUnavailable, err, "That took too long; try again in a minute.")
	}
	return errorCard(rt.explain(in.p, err), nil)
}
