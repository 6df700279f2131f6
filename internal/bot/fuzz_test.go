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
		`{"action":{"verb":"flow.off","data":{"confirm":"yes"}}}`, `{"id":1,"token":["x"]}`, `{"state":null}`, `{"action":"x"}`,
		`{"commandId":"searchFlows","parameters":[{"name":"query","value":"invoice"}],"queryOptions":{"skip":0,"count":25}}`,
		`{"commandId":"searchFailed","parameters":[{"name":"initialRun","value":"true"}],"queryOptions":{"skip":-1,"count":1000}}`,
		`{"url":"https://make.powerautomate.com/environments/Default-72f988bf-86f1-41af-91ab-2d7cd011db47/flows/0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f/runs/08584731882957426511584237717CU12"}`,
		`{"kind":"approval","environmentId":"Default-72f988bf-86f1-41af-91ab-2d7cd011db47","approvalId":"6f1e2d3c-4b5a-4697-8877-665544332211"}`,
		`{"url":"https://make.powerautomate.com/x","authentication":{"token":"x"}}`} {
		for _, name := range []string{"adaptiveCard/action", "signin/tokenExchange", "signin/verifyState", "signin/failure", "other",
			InvokeComposeQuery, InvokeComposeSelectItem, InvokeComposeQueryLink} {
			f.Add(name, s)
		}
	}
	b := newStubBot(f)
	handles := map[string]bool{"signin/tokenExchange": true, "signin/verifyState": true, "signin/failure": true,
		InvokeComposeQuery: true, InvokeComposeSelectItem: true, InvokeComposeQueryLink: true}
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

// FuzzParseSelection: a selectItem value is accepted only with a known kind
// and exactly the ids that kind needs, each of its form.
func FuzzParseSelection(f *testing.F) {
	for _, s := range []string{`{"kind":"flow","environmentId":"Default-72f988bf-86f1-41af-91ab-2d7cd011db47","flowId":"0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f"}`,
		`{"kind":"run","environmentId":"72f988bf-86f1-41af-91ab-2d7cd011db47","flowId":"0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f","runId":"08584731882957426511584237717CU12"}`,
		`{"kind":"approval","environmentId":"x","approvalId":"y"}`, `{"kind":["flow"]}`, `{}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var v map[string]any
		if json.Unmarshal([]byte(raw), &v) != nil {
			return
		}
		s, err := parseSelection(v)
		if err != nil {
			return
		}
		if !selEnv.MatchString(s.EnvironmentID) {
			t.Fatalf("accepted environment %q", s.EnvironmentID)
		}
		switch s.Kind {
		case "flow", "run":
			if !selGUID.MatchString(s.FlowID) || s.ApprovalID != "" || (s.Kind == "run") != selRun.MatchString(s.RunID) {
				t.Fatalf("accepted %+v", s)
			}
		case "approval":
			if !selGUID.MatchString(s.ApprovalID) || s.FlowID != "" || s.RunID != "" {
				t.Fatalf("accepted %+v", s)
			}
		default:
			t.Fatalf("accepted kind %q", s.Kind)
		}
	})
}
