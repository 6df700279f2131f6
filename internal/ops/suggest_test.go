package ops_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"invoice", "invoice", 0},
		{"invocie", "invoice", 1}, // swapped neighbours: one typo
		{"invoce", "invoice", 1},  // a missing letter
		{"invoicee", "invoice", 1},
		{"inbox", "invoice", 4},
		{"", "abc", 3},
		{"café", "cafe", 1}, // runes, not bytes
	} {
		if got := ops.Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestSuggestFlows: a misspelt flow name that FindFlows cannot match gets
// the flow it meant as the best suggestion (typos in a word, swapped
// letters, words in another order, a word cut short); nonsense gets none.
func TestSuggestFlows(t *testing.T) {
	s, _ := setup(t)
	ctx := cloudtest.As(cloudtest.Adele())
	all, err := s.Flows(ctx, ops.FlowQuery{Limit: ops.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	var target ops.FlowRow
	for _, f := range all.Items {
		if len(strings.Fields(f.DisplayName)) >= 3 {
			target = f
			break
		}
	}
	if target.ID == "" {
		t.Fatal("no flow with a name of three words")
	}
	words := strings.Fields(strings.ToLower(target.DisplayName))
	swap := func(w string) string {
		r := []rune(w)
		for i := 1; i+1 < len(r); i++ {
			if r[i] != r[i+1] {
				r[i], r[i+1] = r[i+1], r[i]
				break
			}
		}
		return string(r)
	}
	var swapped []string
	for _, w := range words {
		swapped = append(swapped, swap(w))
	}
	reversed := []string{words[2], words[1], words[0]}
	for name, typed := range map[string]string{
		"swapped letters":   strings.Join(swapped, " "),
		"another order":     strings.Join(reversed, " ") + "x",
		"first words typed": swap(words[0]) + " " + words[1],
	} {
		if _, err := s.FindFlows(ctx, "", typed); !errors.Is(err, flowdeck.ErrNotFound) {
			continue // matched as typed: nothing to suggest
		}
		got, err := s.SuggestFlows(ctx, "", typed, 5)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range got {
			found = found || f.ID == target.ID
		}
		if !found {
			t.Errorf("%s: %q suggested %d flows without %q", name, typed, len(got), target.DisplayName)
		}
	}
	if got, err := s.SuggestFlows(ctx, "", "qqqzzzxxx wwwvvv", 5); err != nil || len(got) != 0 {
		t.Errorf("nonsense suggested %d flows, %v", len(got), err)
	}
	if got, _ := s.SuggestFlows(ctx, "", strings.Repeat("a", 5000), 5); len(got) != 0 {
		t.Errorf("a 5000-letter word suggested %d flows", len(got))
	}
}
