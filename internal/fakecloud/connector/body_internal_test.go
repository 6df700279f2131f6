package connector

import (
	"encoding/json"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// typeByDecoding is what activityType must agree with: decoding the body
// into a struct with the type alone.
func typeByDecoding(b []byte) schema.ActivityTypes {
	var a struct {
		Type schema.ActivityTypes `json:"type"`
	}
	if json.Unmarshal(b, &a) != nil {
		return ""
	}
	return a.Type
}

var activityTypeSeeds = []string{
	`{"type":"message"}`,
	` {"text":"hi", "type" : "typing" } `,
	`{"a":{"type":"nested"},"b":["type",{"type":"x"}],"type":"message"}`,
	`{"text":"brace } and quote \" and \\","type":"message","n":-1.5e3}`,
	`{"type":"message","type":"typing"}`,
	`{"type":"message","TYPE":"typing"}`,
	`{"Type":"message"}`,
	`{"\u0074ype":"message"}`,
	`{"type":"mes\u0073age"}`,
	`{"type":5}`, `{"type":null}`, `{"type":["message"]}`, `{"type":"message","type":5}`,
	`{"n":1,"type":"message","t":true,"f":false,"z":null,"e":{},"l":[]}`,
	`{}`, `[]`, `"message"`, `null`, `1`, ``, `{`, `{"type":"message"} x`, `{"type":"message",}`,
	`{"type":"message","text":"cut`, `{"type":"message","attachments":[{]}`,
}

func TestActivityTypeAgreesWithDecoding(t *testing.T) {
	for _, s := range activityTypeSeeds {
		if got, want := activityType([]byte(s)), typeByDecoding([]byte(s)); got != want {
			t.Errorf("activityType(%s) = %q, want %q", s, got, want)
		}
	}
}

func FuzzActivityType(f *testing.F) {
	for _, s := range activityTypeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := activityType(b), typeByDecoding(b); got != want {
			t.Errorf("activityType(%q) = %q, want %q", b, got, want)
		}
	})
}
