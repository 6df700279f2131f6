package bot

import (
	"context"

	"github.com/flowdeck/flowdeck/internal/cards"
)

// cmdHelp is the help card.
func (b *Bot) cmdHelp(context.Context, *request) reply {
	return reply{card: cards.HelpCard(Commands()), public: true}
}

// unknown is the help card that names the closest command.
func (b *Bot) unknown(name string) reply {
	c := cards.HelpCard(Commands())
	msg := "I don't know **" + cards.Escape(cards.OneLine(clip(name, 40))) + "**."
	if best, ok := closest(name); ok {
		msg += " Did you mean **" + best + "**?"
	}
	c.Body = append([]cards.Element{&cards.TextBlock{Text: msg, Wrap: true, Color: "Attention"}}, c.Body...)
	return reply{card: c, public: true}
}
