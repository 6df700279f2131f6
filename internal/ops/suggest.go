package ops

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"unicode"
)

// SuggestFlows returns the flows whose names are close to text although
// none contains it (FindFlows found nothing), best first, at most max: a
// name is close when most words typed match a word of it, each allowing
// typos (Damerau–Levenshtein: a wrong, missing, extra or swapped letter;
// one in a word of up to five letters, two in a longer one), or the typed
// word starts the name's word with as many typos.
func (s *Service) SuggestFlows(ctx context.Context, environment, text string, max int) ([]FlowRow, error) {
	typed := words(text)
	if len(typed) > maxTypedWords {
		typed = typed[:maxTypedWords]
	}
	if len(typed) == 0 || max <= 0 {
		return nil, nil
	}
	all, err := s.everyFlow(ctx, environment)
	if err != nil {
		return nil, err
	}
	type scored struct {
		row            FlowRow
		matched, typos int
	}
	var out []scored
	for _, f := range all {
		names := words(f.DisplayName)
		matched, typos := 0, 0
		for _, w := range typed {
			if d, ok := closestWord(w, names); ok {
				matched++
				typos += d
			}
		}
		if matched > 0 && 2*matched >= len(typed) {
			out = append(out, scored{f, matched, typos})
		}
	}
	slices.SortStableFunc(out, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.matched, a.matched), cmp.Compare(a.typos, b.typos),
			cmp.Compare(strings.ToLower(a.row.DisplayName), strings.ToLower(b.row.DisplayName)))
	})
	rows := make([]FlowRow, 0, min(len(out), max))
	for _, sc := range out[:min(len(out), max)] {
		rows = append(rows, sc.row)
	}
	s.decorateRows(ctx, rows)
	return rows, nil
}

// Bounds on what SuggestFlows compares, so that long input stays cheap.
const (
	maxTypedWords = 8
	maxWordRunes  = 64
)

// words splits s into lower-case words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

// allowedTypos is how many typos a typed word of n letters may carry.
func allowedTypos(n int) int {
	switch {
	case n < 3:
		return 0
	case n <= 5:
		return 1
	}
	return 2
}

// closestWord returns the fewest typos between w and a word of names (or
// the start of one), when within allowedTypos.
func closestWord(w string, names []string) (int, bool) {
	if len([]rune(w)) > maxWordRunes {
		return 0, false
	}
	limit, best := allowedTypos(len([]rune(w))), -1
	for _, n := range names {
		if len([]rune(n)) > maxWordRunes {
			continue
		}
		d := Distance(w, n)
		if r := []rune(n); len(r) > len([]rune(w)) && len([]rune(w)) >= 3 {
			d = min(d, Distance(w, string(r[:len([]rune(w))])))
		}
		if d <= limit && (best < 0 || d < best) {
			best = d
		}
	}
	return best, best >= 0
}

// Distance is the Damerau–Levenshtein distance of a and b in runes (the
// optimal string alignment form): how many letters to change, add, remove
// or swap with their neighbour to turn one into the other.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
