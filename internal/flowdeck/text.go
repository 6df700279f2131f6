package flowdeck

import "unicode/utf8"

// Clip shortens s to at most n runes, the last of them an ellipsis, for
// messages and logs that echo input or upstream text. It never cuts a rune
// in two. n < 1 returns "".
func Clip(s string, n int) string {
	if n < 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
