package bot

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/infracloudio/msbotbuilder-go/schema"

	"github.com/flowdeck/flowdeck/internal/botframework"
)

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"help", `runs "Invoice approval"`, "<at>FlowDeck</at> failed post", "<p>a&nbsp;b</p>",
		"“x”", "„y“ «z»", "&amp;amp;", "//", `"post"`, "\xff", "İ", "resubmit A1B2C3D4E5 F6G7H8I9J0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := ParseCommand(s)
		for _, a := range c.Args {
			if a == "" {
				t.Fatalf("empty argument from %q", s)
			}
		}
		out := c.String()
		if len(out) > MaxInputBytes {
			return
		}
		back := ParseCommand(out)
		if back.Name != c.Name {
			t.Fatalf("name %q → %q → %q", c.Name, out, back.Name)
		}
	})
}

// FuzzInvokeValue sends arbitrary invoke values (JSON) under every invoke
// name: it must never panic, and answer every invoke it handles
// (adaptiveCard/action goes to the card-action router; cardaction's
// FuzzCardAction covers it).
func FuzzInvokeValue(f *testing.F) {
	for _, s := range []string{`{}`, `{"action":{"verb":"pick","data":{"command":"runs x","choice":"y"}}}`,
		`{"action":{"verb":"list.more","data":{"command":"flows","cursor":"-5"}}}`, `{"action":{"verb":"bulk.resubmit","data":{"runs":[{}],"confirm":true}}}`,
		`{"action":{"verb":"flow.off","data":{"confirm":"yes"}}}`, `{"id":1,"token":["x"]}`, `{"state":null}`, `{"action":"x"}`} {
		for _, name := range []string{"adaptiveCard/action", "signin/tokenExchange", "signin/verifyState", "signin/failure", "other"} {
			f.Add(name, s)
		}
	}
	b := newStubBot(f)
	handles := map[string]bool{"signin/tokenExchange": true, "signin/verifyState": true, "signin/failure": true}
	f.Fuzz(func(t *testing.T, name, value string) {
		var v map[string]any
		if json.Unmarshal([]byte(value), &v) != nil {
			return
		}
		a := &schema.Activity{Type: schema.Invoke, Name: name, Value: v, ChannelID: "msteams", ServiceURL: "https://example.test/",
			From:         schema.ChannelAccount{ID: "29:1", AadObjectID: "u"},
			Conversation: schema.ConversationAccount{ID: "a:1", TenantID: "t", ConversationType: "personal"}}
		ctx := botframework.WithCaller(context.Background(), botframework.CallerOf(a))
		res, err := b.OnActivity(ctx, a)
		if err != nil {
			t.Fatalf("error: %v", err)
		}
		if handles[name] && res == nil {
			t.Fatalf("%s: no answer", name)
		}
		if res != nil {
			if _, err := json.Marshal(res.Body); err != nil {
				t.Fatalf("answer does not encode: %v", err)
			}
		}
		b.Wait()
	})
}
