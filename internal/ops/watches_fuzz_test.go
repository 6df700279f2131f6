package ops

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// FuzzCheckSettings judges arbitrary settings as the tab's PUT /api/settings
// and the bot's digest and quiet commands do: accepted settings hold a
// loadable IANA zone, HH:MM times with quiet hours of two different ends and
// a delivery of "", chat, feed or both; a refusal is an "invalid" error with
// a sentence naming one of the five fields.
func FuzzCheckSettings(f *testing.F) {
	for _, s := range [][5]string{
		{"UTC", "", "", "", ""}, {"Europe/Paris", "08:30", "22:00", "07:00", "both"}, {"Mars/Olympus", "", "", "", "chat"},
		{"Local", "", "", "", ""}, {"../../etc/passwd", "", "", "", ""}, {"UTC", "24:00", "", "", ""}, {"UTC", "", "22:00", "", ""},
		{"UTC", "", "22:00", "22:00", ""}, {"America/Argentina/Buenos_Aires", "7:05", "", "", ""}, {"utc", "", "", "", ""},
		{"UTC", "", "", "", "feed"}, {"UTC", "", "", "", "Feed"}, {"UTC", "", "", "", "pager"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	fields := []string{"timeZone", "digestTime", "quietStart", "quietEnd", "delivery"}
	f.Fuzz(func(t *testing.T, tz, digest, qs, qe, delivery string) {
		st := flowdeck.UserSettings{TimeZone: tz, DigestTime: digest, QuietStart: qs, QuietEnd: qe, Delivery: delivery}
		err := checkSettings(st)
		if err == nil {
			if !slices.Contains([]string{"", flowdeck.DeliveryChat, flowdeck.DeliveryFeed, flowdeck.DeliveryBoth}, delivery) {
				t.Errorf("accepted delivery %q", delivery)
			}
			if _, lerr := time.LoadLocation(tz); lerr != nil || tz == "Local" || len(tz) > 64 {
				t.Errorf("accepted time zone %q", tz)
			}
			for _, v := range []string{digest, qs, qe} {
				if v != "" && !hhmm.MatchString(v) {
					t.Errorf("accepted time %q", v)
				}
			}
			if (qs == "") != (qe == "") || qs != "" && qs == qe {
				t.Errorf("accepted quiet hours %q-%q", qs, qe)
			}
			return
		}
		var fe *flowdeck.Error
		if !errors.Is(err, flowdeck.ErrInvalid) || !errors.As(err, &fe) {
			t.Fatalf("refusal %v is not an invalid-input error", err)
		}
		if field := fe.Detail[SettingField]; !slices.Contains(fields, field) {
			t.Errorf("refusal names field %q", field)
		}
		if msg := flowdeck.Message(err); msg == "" || !strings.HasSuffix(msg, ".") {
			t.Errorf("refusal message %q is not a sentence", msg)
		}
	})
}
