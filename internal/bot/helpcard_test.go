package bot_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
)

// strayEscape is a backslash before a character Teams' TextBlock markdown
// does not interpret; the official renderer shows it as typed.
var strayEscape = regexp.MustCompile("\\\\[<>#|~`{}()\\[]|[\\pL\\pN]\\\\_[\\pL\\pN]")

// TestHelpCardShowsNoBackslashes: the help card the bot sends through the
// real endpoint reads "runs <flow>" and "digest <HH:MM|off>" in every
// renderer: its TextBlocks (the only markdown on it) carry no backslash a
// renderer without markdown would show.
func TestHelpCardShowsNoBackslashes(t *testing.T) {
	w := newWorld(t, worldOptions{quiet: true})
	adele := cloudtest.Adele()
	r := w.ask(t, adele, "help")
	if contentType(r) != cards.ContentType {
		t.Fatalf("help answered %s: %s", contentType(r), content(r))
	}
	var texts []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "TextBlock" {
				s, _ := x["text"].(string)
				texts = append(texts, s)
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	var card any
	must(t, json.Unmarshal([]byte(content(r)), &card))
	walk(card)
	all := strings.Join(texts, "\n")
	for _, want := range []string{"**runs** <flow>", "**digest** <HH:MM|off>", "**off** <flow>"} {
		if !strings.Contains(all, want) {
			t.Errorf("the help card lacks %q:\n%s", want, all)
		}
	}
	for _, s := range texts {
		if m := strayEscape.FindString(s); m != "" {
			t.Errorf("help card text %q shows %q in the official renderer", s, m)
		}
	}
}
