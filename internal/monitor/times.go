package monitor

import (
	"strconv"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// location returns the user's time zone (UTC when unset or unknown).
func location(st flowdeck.UserSettings) *time.Location {
	if st.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(st.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// minutes parses "HH:MM" into minutes after midnight.
func minutes(hhmm string) (int, bool) {
	if len(hhmm) != 5 || hhmm[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(hhmm[:2])
	m, err2 := strconv.Atoi(hhmm[3:])
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// quiet reports whether local time t falls in the user's quiet hours
// [QuietStart, QuietEnd), which may span midnight.
func quiet(st flowdeck.UserSettings, t time.Time) bool {
	from, ok1 := minutes(st.QuietStart)
	to, ok2 := minutes(st.QuietEnd)
	if !ok1 || !ok2 || from == to {
		return false
	}
	now := t.Hour()*60 + t.Minute()
	if from < to {
		return now >= from && now < to
	}
	return now >= from || now < to
}

// digestDay returns the local date whose digest is due at t ("" when the
// digest is off or today's time has not come yet).
func digestDay(st flowdeck.UserSettings, t time.Time) string {
	at, ok := minutes(st.DigestTime)
	if !ok || t.Hour()*60+t.Minute() < at {
		return ""
	}
	return t.Format(time.DateOnly)
}
