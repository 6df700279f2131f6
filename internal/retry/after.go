package retry

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseAfter parses the value of a Retry-After header (RFC 9110 §10.2.3):
// delta-seconds ("120") or an HTTP-date ("Fri, 31 Dec 1999 23:59:59 GMT",
// or the two obsolete date forms), read against now. It reports false for
// an empty, negative or unreadable value. A date in the past is a wait of
// 0. A wait over limit is limit; a limit of 0 or less means no limit but
// the largest time.Duration.
func ParseAfter(value string, now time.Time, limit time.Duration) (time.Duration, bool) {
	if limit <= 0 {
		limit = math.MaxInt64
	}
	v := strings.TrimSpace(value)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n > int64(limit/time.Second) { // too large for int64 or over the limit
			return limit, true
		}
		return min(time.Duration(n)*time.Second, limit), true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), limit), true
}

// isDigits reports whether s is one or more ASCII digits: delta-seconds has
// no sign, so "-1" and "+5" are not delta-seconds.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
