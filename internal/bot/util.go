package bot

import (
	"encoding/json"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/flowdeck/flowdeck/internal/cards"
)

func slicesSort(s []string) { slices.Sort(s) }

// clip shortens s to n runes with an ellipsis, for messages that echo input.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// remarshal copies the JSON shape of in into out.
func remarshal(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// links are where the bot's cards link: the tab and the cloud's portal.
func (b *Bot) links() cards.Links { return cards.Links{Tab: b.o.TabLink, Portal: b.o.Portal} }

// portalActions is an "Open in Power Automate" button, or none without a URL.
func portalActions(u string) []cards.Action {
	if u == "" {
		return nil
	}
	return []cards.Action{&cards.OpenURLAction{Title: "Open in Power Automate", URL: u}}
}
