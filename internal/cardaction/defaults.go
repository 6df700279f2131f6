package cardaction

import (
	"regexp"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// hhmmRE is a time of day on a 24-hour clock.
var hhmmRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// defaults applies a choice of the welcome card to the invoker's own
// default subscription (approvals only, pause failure alerts, back to
// the default) or settings (the daily digest time), once per card, user and
// choice. The data is read strictly first: a forged choice or time gets a
// safe card and changes nothing.
func (rt *Router) defaults(in *invocation) *botframework.InvokeResponse {
	f := newFields(in.data, "choice", "digestTime")
	choice, digest := f.str("choice", true), f.str("digestTime", false)
	f.match(digest, hhmmRE, "digest time")
	switch choice {
	case cards.ChoiceMine, cards.ChoiceApprovals, cards.ChoicePause:
		digest = ""
	case cards.ChoiceDigest:
		if f.err == nil && digest == "" {
			f.err = invalid("Pick a digest time in the card, then press the button again.")
		}
	default:
		if f.err == nil {
			f.err = invalid("That choice is not one FlowDeck offers; reload the card and try again.")
		}
	}
	if f.err != nil {
		return errorCard(f.err, nil)
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	ctx := flowdeck.WithPrincipal(in.ctx, in.p)
	var sub flowdeck.Subscription
	ran, err := rt.claim(in, in.p.UserID+":"+choice+":"+digest, func() error {
		var err error
		if choice == cards.ChoiceDigest {
			_, err = rt.o.Ops.SetDigestTime(ctx, digest)
			return err
		}
		sub, err = rt.o.Ops.ChooseDefault(ctx, choice)
		return err
	})
	if err != nil {
		return errorCard(err, nil)
	}
	if !ran && choice == cards.ChoicePause {
		// The pause's end is the one made by the first click.
		sub = rt.defaultSub(in)
	}
	return rt.answer(in, cards.DefaultChosenCard(choice, digest, sub.MutedUntil, !ran))
}

// defaultSub is the invoker's default subscription as stored (zero when none).
func (rt *Router) defaultSub(in *invocation) flowdeck.Subscription {
	subs, err := rt.o.Subscriptions.ListSubscriptions(in.ctx, flowdeck.SubscriptionFilter{TenantID: in.p.TenantID, UserID: in.p.UserID})
	if err != nil {
		return flowdeck.Subscription{}
	}
	for _, s := range subs {
		if s.Auto && s.ConversationID == "" {
			return s
		}
	}
	return flowdeck.Subscription{}
}
