package cards

import (
	"slices"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestErrorCardEveryKind: for every kind in flowdeck's table, the error
// card says the table's sentence when the error carries none, shows the
// table's code, and adds a next step; a new kind without one fails here.
func TestErrorCardEveryKind(t *testing.T) {
	for _, k := range flowdeck.Kinds() {
		_, all := collectText(t, marshalCard(t, ErrorCard(k, ErrorOptions{})))
		if !slices.Contains(all, Escape(flowdeck.DefaultMessage(k))) {
			t.Errorf("%v: the card does not say the table's sentence %q: %q", k, flowdeck.DefaultMessage(k), all)
		}
		if !slices.Contains(all, "Code: "+Escape(flowdeck.Code(k))) {
			t.Errorf("%v: the card does not show the code %q: %q", k, flowdeck.Code(k), all)
		}
		// Title, sentence, next step, code.
		if n := len(ErrorCard(k, ErrorOptions{}).Body); n < 4 {
			t.Errorf("%v: %d body elements, want a next step too: %q", k, n, all)
		}
	}
}
