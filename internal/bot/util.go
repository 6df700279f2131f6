package bot

import (
	"encoding/json"
	"maps"
	"slices"
	"unicode/utf8"
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
