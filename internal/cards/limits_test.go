package cards

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Teams' limits every card is checked against, with their sources.
const (
	// teamsMaxActions is the most actions Teams shows in one actions array
	// (the card's, an ActionSet's, a ShowCard's): Teams' host config sets
	// actions.maxActions to 6 and the renderer drops the rest
	// (microsoft/AdaptiveCards samples/HostConfig/microsoft-teams-light.json
	// and microsoft-teams-dark.json: "maxActions": 6).
	teamsMaxActions = 6
	// teamsMaxCardBytes is the strictest card payload limit on the way to
	// Teams: 28 KB where a card is posted through Microsoft Graph or Power
	// Automate's "Post card in a chat or channel", against ~100 KB (keep
	// under 80 KB, MaxBytes) for a bot message
	// (/work/shared/reference/teams-platform.md §0.7 and §5.4;
	// learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages).
	// FlowDeck's cards are small; holding them to 28 KB keeps them portable.
	teamsMaxCardBytes = 28 * 1024
)

// leakedEscape is a backslash escape the official renderer (adaptivecards
// without a markdown processor) shows as typed and Teams' markdown subset
// does not need: before a character Teams does not interpret in a TextBlock
// (no HTML, headings, tables, code, block quotes, strike-through).
var leakedEscape = regexp.MustCompile("\\\\[<>#|~`{}()!\"'&%$@^=;:,?/]|[\\pL\\pN]\\\\_[\\pL\\pN]|\\\\\\[")

// anyEscape is any backslash escape; where no markdown is read, every one
// shows as typed.
var anyEscape = regexp.MustCompile(`\\[!-/:-@\[-` + "`" + `{-~]`)

// checkTeamsLimits walks a serialized card and reports every limit it
// breaks: its size, each actions array's length, refresh.userIds, and
// backslashes where a renderer would show them. ours is false for cards
// built from hostile text, whose "**" is the user's, shown as typed.
func checkTeamsLimits(t *testing.T, name string, b []byte, ours bool) {
	t.Helper()
	for _, p := range teamsLimitProblems(name, b, ours) {
		t.Error(p)
	}
}

// teamsLimitProblems is checkTeamsLimits' finding, one sentence a problem.
func teamsLimitProblems(name string, b []byte, ours bool) []string {
	var out []string
	errorf := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		return []string{name + ": " + err.Error()}
	}
	if compact.Len() > teamsMaxCardBytes {
		errorf("%s: %d bytes, over Teams' %d", name, compact.Len(), teamsMaxCardBytes)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return []string{name + ": " + err.Error()}
	}
	var walk func(v any, typ string)
	walk = func(v any, parent string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, parent)
			}
		case map[string]any:
			typ, _ := x["type"].(string)
			if typ == "" {
				typ = parent + ".item" // a Fact, a Choice, refresh, msteams
			}
			if acts, ok := x["actions"].([]any); ok && len(acts) > teamsMaxActions {
				errorf("%s: a %s has %d actions; Teams shows %d", name, typ, len(acts), teamsMaxActions)
			}
			if ids, ok := x["userIds"].([]any); ok && len(ids) > MaxRefreshUsers {
				errorf("%s: refresh.userIds has %d users; Teams takes %d", name, len(ids), MaxRefreshUsers)
			}
			for k, e := range x {
				if k == "data" {
					continue // an action's data is sent, never shown
				}
				s, ok := e.(string)
				if !ok {
					walk(e, typ)
					continue
				}
				switch {
				case k == "type" || k == "url" || k == "verb" || k == "id" || k == "$schema" || k == "version" || k == "value" && typ == "Input.ChoiceSet.item":
				case markdownField(typ, k):
					if m := leakedEscape.FindString(s); m != "" {
						errorf("%s: %s.%s %q shows %q as typed in the official renderer", name, typ, k, s, m)
					}
				default:
					if m := anyEscape.FindString(s); m != "" {
						errorf("%s: %s.%s %q is not markdown, yet it has the escape %q", name, typ, k, s, m)
					}
					if ours && strings.Contains(s, "**") {
						errorf("%s: %s.%s %q is not markdown, yet it has **", name, typ, k, s)
					}
				}
			}
		}
	}
	walk(v, "AdaptiveCard")
	return out
}

// markdownField reports the strings Teams reads as markdown: a TextBlock's
// text and a Fact's title and value
// (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/cards-format#format-cards-with-markdown).
// Everything else (TextRun, button titles, Input labels and choices,
// fallbackText) is shown as typed.
func markdownField(typ, key string) bool {
	return typ == "TextBlock" && key == "text" || typ == "FactSet.item" && (key == "title" || key == "value")
}

// TestGoldenCardsWithinTeamsLimits checks every golden card and every
// hostile card against Teams' limits and for stray backslashes.
func TestGoldenCardsWithinTeamsLimits(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if filepath.Base(f) == "oauth.json" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkTeamsLimits(t, filepath.Base(f), b, true)
		n++
	}
	if n < len(goldenCases())-1 {
		t.Fatalf("checked %d golden cards, want %d", n, len(goldenCases())-1)
	}
	for name, c := range hostileCards() {
		checkTeamsLimits(t, "hostile "+name, marshalCard(t, c), false)
	}
}

// TestLimitsCheckFails proves the check catches what it looks for.
func TestLimitsCheckFails(t *testing.T) {
	seven := make([]Action, 7)
	for i := range seven {
		seven[i] = &OpenURLAction{Title: "x", URL: "https://example.com"}
	}
	cases := map[string]*AdaptiveCard{
		"seven actions":     {Version: Version, Actions: seven},
		"big":               newCard("big", para(strings.Repeat("x", teamsMaxCardBytes))),
		"escaped <":         newCard("x", para(`runs \<flow\>`)),
		"escaped _ in word": newCard("x", para(`Create\_invoice`)),
		"escape in a label": newCard("x", &InputText{ID: "c", Label: `Comment \*`}),
		"bold in a button":  {Version: Version, Actions: []Action{&OpenURLAction{Title: "**Open**", URL: "https://example.com"}}},
	}
	for name, c := range cases {
		if len(teamsLimitProblems(name, marshalCard(t, c), true)) == 0 {
			t.Errorf("%s: the limits check accepts it", name)
		}
	}
}
