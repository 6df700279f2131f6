package cards

// Validation of every golden card with the official adaptivecards library,
// pinned in testdata/validate. The node packages are installed on first use
// with `npm ci` (honouring package-lock.json) into
// testdata/validate/node_modules, with the npm cache in
// testdata/validate/.npm-cache; both are git-ignored. The test never skips:
// without node or npm it fails and says what to install.

import (
	"github.com/flowdeck/flowdeck/internal/nodetest"

	"os"
	"path/filepath"
	"strings"
	"testing"
)

const validateDir = "testdata/validate"

// validateCards runs validate.js on files and returns its output and exit
// status: 0 valid, 1 problems.
func validateCards(t *testing.T, files ...string) (string, int) {
	t.Helper()
	return nodetest.Run(t, validateDir, "validate.js", files...)
}

// TestGoldenCardsValid parses every golden Adaptive Card with the official
// library and fails on any parse error or validation warning.
func TestGoldenCardsValid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cards []string
	for _, f := range files {
		if filepath.Base(f) != "oauth.json" { // a Bot Framework OAuth card, not an Adaptive Card
			cards = append(cards, f)
		}
	}
	if len(cards) < len(goldenCases())-1 {
		t.Fatalf("found %d golden cards, want %d (run go test ./internal/cards -update)", len(cards), len(goldenCases())-1)
	}
	if out, code := validateCards(t, cards...); code != 0 {
		t.Fatalf("the adaptivecards library rejects golden cards:\n%s", out)
	}
}

// TestValidatorRejects proves the validator catches broken cards, so that
// TestGoldenCardsValid passing means something.
func TestValidatorRejects(t *testing.T) {
	valid := string(marshalCard(t, AlertCard(fixtureAlert(), AlertOptions{Tab: tab, Portal: portal})))
	tests := []struct {
		name, old, new, want string
	}{
		{"unknown element type", `"type": "FactSet"`, `"type": "FactSheet"`, `Unknown element type "FactSheet"`},
		{"OpenUrl without url", `"url": "https://make.powerautomate.com`, `"href": "https://make.powerautomate.com`, `Property "url" must be set`},
		{"Execute without verb", `"verb": "alert.mute"`, `"verbose": "alert.mute"`, `Action.Execute lacks required property "verb"`},
		{"version above 1.5", `"version": "1.5"`, `"version": "1.6"`, `version 1.6 is above 1.5`},
		{"element newer than 1.5", `"type": "ActionSet"`, `"type": "Carousel"`, `Carousel needs schema 1.6`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(valid, tt.old) {
				t.Fatalf("the alert card lacks %q", tt.old)
			}
			file := filepath.Join(t.TempDir(), "card.json")
			if err := os.WriteFile(file, []byte(strings.Replace(valid, tt.old, tt.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			out, code := validateCards(t, file)
			if code != 1 {
				t.Fatalf("the validator accepts the broken card (%s)", out)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("validator output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}
