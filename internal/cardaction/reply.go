package cardaction

import (
	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// errorCard answers with a card that explains err safely (never echoing the
// input), with back (when set) to return to the card.
func errorCard(err error, back cards.Action) *botframework.InvokeResponse {
	var c *cards.AdaptiveCard
	if flowdeck.KindOf(err) == flowdeck.ErrInvalid {
		c = &cards.AdaptiveCard{
			Schema: cards.Schema, Version: cards.Version, MSTeams: &cards.MSTeams{Width: "Full"},
			FallbackText: "FlowDeck did not do that",
			Body: []cards.Element{
				&cards.TextBlock{Text: "FlowDeck did not do that", Wrap: true, Color: "Attention", Weight: "Bolder"},
				&cards.TextBlock{Text: cards.Escape(cards.Trim(cards.OneLine(flowdeck.Message(err)), 400)), Wrap: true},
				&cards.TextBlock{Text: "Nothing was sent to Power Automate.", Wrap: true, IsSubtle: true},
			},
		}
	} else {
		c = cards.ErrorCard(err, cards.ErrorOptions{})
	}
	if back != nil {
		c.Actions = append(c.Actions, back)
	}
	return botframework.CardResponse(c)
}

// backTo is a button that refreshes the approval card.
func backTo(d cards.ApprovalData) cards.Action {
	return &cards.ExecuteAction{Title: "Back to the approval", Verb: cards.VerbApprovalRefresh,
		Data: cards.ApprovalData{ApprovalID: d.ApprovalID, EnvironmentID: d.EnvironmentID}}
}
