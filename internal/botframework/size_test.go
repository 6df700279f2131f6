package botframework_test

import (
	"testing"

	"github.com/flowdeck/flowdeck/internal/botframework"
)

func TestUTF16Size(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"", 0},
		{`{"text":"hi"}`, 26},
		{"é", 2},     // two UTF-8 bytes, one UTF-16 unit
		{"€", 2},     // three UTF-8 bytes, one unit
		{"😀", 4},     // outside the BMP: a surrogate pair
		{"a😀b€", 10}, // mixed
		{"\xff", 2},  // invalid UTF-8 counts as U+FFFD
	} {
		if got := botframework.UTF16Size([]byte(tt.s)); got != tt.want {
			t.Errorf("UTF16Size(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}
