package bot

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// cmdHelp is the help card.
func (b *Bot) cmdHelp(context.Context, *request) reply {
	card, encoded := helpCard()
	return reply{card: card, encoded: encoded, public: true}
}

// helpCard is the help card, built and encoded once: it only depends on the
// command table. The answer to `help` is the most frequent and needs no
// upstream call, so its cost is all encoding.
var helpCard = sync.OnceValues(func() (*cards.AdaptiveCard, botframework.CompactJSON) {
	c := cards.HelpCard(Commands())
	b, err := json.Marshal(c)
	if err != nil {
		return c, nil // encoded on each use instead
	}
	return c, b // as json.Marshal wrote it: compact
})

// unknown is the help card that names the closest command.
func (b *Bot) unknown(name string) reply {
	c := cards.HelpCard(Commands())
	msg := "I don't know **" + cards.Escape(cards.OneLine(flowdeck.Clip(name, 40))) + "**."
	if best, ok := closest(name); ok {
		msg += " Did you mean **" + best + "**?"
	}
	c.Body = append([]cards.Element{&cards.TextBlock{Text: msg, Wrap: true, Color: "Attention"}}, c.Body...)
	return reply{card: c, public: true}
}
