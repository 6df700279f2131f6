package botframework_test

import (
	"encoding/json"
	"testing"

	"github.com/flowdeck/flowdeck/internal/botframework"
)

func FuzzDecodeActivity(f *testing.F) {
	for _, s := range []string{
		`{"type":"message","text":"hi","from":{"id":"29:1","aadObjectId":"x"},"conversation":{"id":"a:1","tenantId":"t"},"channelData":{"tenant":{"id":"t"}}}`,
		`{"type":"invoke","name":"adaptiveCard/action","value":{"action":{"type":"Action.Execute","verb":"approve","data":{"requestId":42}},"trigger":"manual"}}`,
		`{"type":"installationUpdate","action":"add","timestamp":"2026-11-25T16:50:24.417Z"}`,
		`{"type":"message","value":"not an object"}`,
		`[]`, `null`, `{"type":1}`, ` {"type":"x"} `, `{"type":"x","timestamp":"yesterday"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := botframework.DecodeActivity(body)
		if err != nil {
			return
		}
		if a.Type == "" {
			t.Fatal("decoded an activity without a type")
		}
		_ = botframework.CallerOf(a)
		out, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if _, err := botframework.DecodeActivity(out); err != nil {
			t.Fatalf("round trip: %v\n%s", err, out)
		}
	})
}
