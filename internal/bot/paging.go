package bot

import (
	"strconv"

	"github.com/flowdeck/flowdeck/internal/cards"
)

// pageOf returns the window [start, end) of a list of n items that the
// cursor (an offset; "" for the first page) asks for, and the next cursor.
func pageOf(cursor string, n int) (start, end int, next string) {
	start, err := strconv.Atoi(cursor)
	if err != nil || start < 0 || start > n {
		start = 0
	}
	end = min(n, start+cards.MaxListItems)
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next
}
