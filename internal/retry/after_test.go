package retry_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/retry"
)

func TestParseAfter(t *testing.T) {
	now := time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)
	const limit = 24 * time.Hour
	for _, tt := range []struct {
		name  string
		value string
		limit time.Duration
		want  time.Duration
		ok    bool
	}{
		{name: "seconds", value: "3", limit: limit, want: 3 * time.Second, ok: true},
		{name: "zero seconds", value: "0", limit: limit, want: 0, ok: true},
		{name: "seconds with spaces", value: " 120 ", limit: limit, want: 2 * time.Minute, ok: true},
		{name: "leading zeros", value: "007", limit: limit, want: 7 * time.Second, ok: true},
		{name: "IMF-fixdate", value: now.Add(90 * time.Second).Format(http.TimeFormat), limit: limit, want: 90 * time.Second, ok: true},
		{name: "RFC 850 date", value: "Wednesday, 25-Feb-26 09:01:00 GMT", limit: limit, want: time.Minute, ok: true},
		{name: "asctime date", value: "Wed Feb 25 09:00:30 2026", limit: limit, want: 30 * time.Second, ok: true},
		{name: "past date", value: "Wed, 21 Oct 2015 07:28:00 GMT", limit: limit, want: 0, ok: true},
		{name: "now", value: now.Format(http.TimeFormat), limit: limit, want: 0, ok: true},
		{name: "empty", value: "", limit: limit},
		{name: "blank", value: "   ", limit: limit},
		{name: "garbage", value: "soon", limit: limit},
		{name: "negative", value: "-1", limit: limit},
		{name: "signed", value: "+5", limit: limit},
		{name: "fraction", value: "1.5", limit: limit},
		{name: "seconds then garbage", value: "5s", limit: limit},
		{name: "date in the wrong zone", value: "Wed, 25 Feb 2026 09:01:00 +0100", limit: limit},
		{name: "huge seconds", value: "99999999999999999999999", limit: limit, want: limit, ok: true},
		{name: "seconds over the Duration range", value: "9223372036854775807", limit: limit, want: limit, ok: true},
		{name: "day and a second", value: "86401", limit: limit, want: limit, ok: true},
		{name: "far date", value: "Fri, 31 Dec 9999 23:59:59 GMT", limit: limit, want: limit, ok: true},
		{name: "seconds at the cap", value: "30", limit: 30 * time.Second, want: 30 * time.Second, ok: true},
		{name: "seconds over the cap", value: "31", limit: 30 * time.Second, want: 30 * time.Second, ok: true},
		{name: "cap under a second", value: "1", limit: 500 * time.Millisecond, want: 500 * time.Millisecond, ok: true},
		{name: "date over the cap", value: now.Add(time.Hour).Format(http.TimeFormat), limit: time.Minute, want: time.Minute, ok: true},
		{name: "no cap", value: "99999999999999999999999", limit: 0, want: time.Duration(1<<63 - 1), ok: true},
		{name: "no cap, plain seconds", value: "600", limit: 0, want: 10 * time.Minute, ok: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := retry.ParseAfter(tt.value, now, tt.limit)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseAfter(%q, limit %v) = %v, %v; want %v, %v", tt.value, tt.limit, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzParseAfter(f *testing.F) {
	for _, s := range []string{"3", "-1", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := retry.ParseAfter(v, now, time.Hour)
		if d < 0 || d > time.Hour || (!ok && d != 0) {
			t.Fatalf("ParseAfter(%q) = %v, %v", v, d, ok)
		}
	})
}
