package botframework

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// marshalActivityReference is marshalActivity as it was first written
// (encode everything, decode into a map, prune every member): the new one
// must produce the same bytes.
func marshalActivityReference(a *schema.Activity) ([]byte, error) {
	rest := *a
	rest.Attachments, rest.ChannelData, rest.Value, rest.Entities = nil, nil, nil, nil
	rest.SuggestedActions = schema.SuggestedActions{}
	raw, err := json.Marshal(&rest)
	if err != nil {
		return nil, fmt.Errorf("marshal activity: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("marshal activity: %w", err)
	}
	for k, v := range m {
		if pruned, keep := prune(v); keep && !opaqueFields[k] {
			m[k] = pruned
		} else {
			delete(m, k)
		}
	}
	for _, o := range []struct {
		key  string
		v    any
		keep bool
	}{
		{"attachments", a.Attachments, len(a.Attachments) > 0},
		{"channelData", a.ChannelData, len(a.ChannelData) > 0},
		{"value", a.Value, len(a.Value) > 0},
		{"entities", a.Entities, len(a.Entities) > 0},
		{"suggestedActions", a.SuggestedActions, len(a.SuggestedActions.Actions) > 0 || len(a.SuggestedActions.To) > 0},
	} {
		if !o.keep {
			continue
		}
		b, err := json.Marshal(o.v)
		if err != nil {
			return nil, fmt.Errorf("marshal activity %s: %w", o.key, err)
		}
		m[o.key] = b
	}
	var buf bytes.Buffer
	buf.Grow(len(raw) + 256)
	buf.WriteByte('{')
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(m[k])
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func TestMarshalActivitySameAsReference(t *testing.T) {
	when := time.Date(2026, 11, 25, 16, 49, 35, 0, time.UTC)
	card := json.RawMessage(`{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"a <b> & c"}]}`)
	for i, a := range []*schema.Activity{
		{},
		{Type: schema.Message, Text: "hi", TextFormat: "markdown"},
		{Type: schema.Typing},
		{Type: schema.Message, Attachments: []schema.Attachment{{ContentType: "application/vnd.microsoft.card.adaptive", Content: card}}},
		{Type: schema.Message, Attachments: []schema.Attachment{{ContentType: "x", Content: map[string]any{"a": []any{1, "<"}}}}},
		{Type: schema.Message, ID: "1", ReplyToID: "0", Timestamp: when, LocalTimestamp: when.Local(), Expiration: when,
			From: schema.ChannelAccount{ID: "28:bot", Name: "FlowDeck"}, Recipient: schema.ChannelAccount{AadObjectID: "u"},
			Conversation: schema.ConversationAccount{ID: "a:1", TenantID: "t", IsGroup: true},
			RelatesTo:    schema.ConversationReference{ActivityID: "9", Conversation: schema.ConversationAccount{ID: "c"}},
			ChannelData:  map[string]any{"notification": map[string]any{"alert": true}},
			Value:        map[string]any{"k": "v"}, Entities: []schema.Entity{{Type: "mention"}},
			SuggestedActions: schema.SuggestedActions{To: []string{"x"}},
			HistoryDisclosed: true, Importance: "high", ListenFor: []string{"a"},
			TextHighlights: []schema.TextHighlight{{Text: "t", Occurrence: 2}}},
		// Empty but not nil: omitempty leaves them out, so must both.
		{Type: schema.Message, MembersAdded: []schema.ChannelAccount{}, ListenFor: []string{}, ChannelData: map[string]any{},
			Attachments: []schema.Attachment{}, SemanticAction: schema.SemanticAction{Entities: map[string]schema.Entity{}}},
		// Nested structs with only zero members, and a zero entry in a list.
		{Type: schema.Message, RelatesTo: schema.ConversationReference{User: schema.ChannelAccount{}},
			MembersAdded: []schema.ChannelAccount{{}}, TextHighlights: []schema.TextHighlight{{}}},
	} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			want, err := marshalActivityReference(a)
			if err != nil {
				t.Fatal(err)
			}
			got, err := marshalActivity(a)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("marshalActivity =\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// A CompactJSON card is spliced in as it is: the same activity as with the
// card as a json.RawMessage (members in another order).
func TestMarshalActivityCompactJSON(t *testing.T) {
	card := `{"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"a \u003cb\u003e \u0026 c"}]}`
	with := func(content func(string) any) *schema.Activity {
		return &schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{
			{ContentType: "application/vnd.microsoft.card.adaptive", Content: content(card), Name: "help"},
			{ContentType: "text/plain", Content: "plain"},
			{Content: content(`{"x":1}`)},
		}}
	}
	want, err := marshalActivityReference(with(func(s string) any { return json.RawMessage(s) }))
	if err != nil {
		t.Fatal(err)
	}
	got, err := marshalActivity(with(func(s string) any { return CompactJSON(s) }))
	if err != nil {
		t.Fatal(err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("marshalActivity =\n%s\nwant (in any order)\n%s", got, want)
	}
	if !bytes.Contains(got, []byte(card)) {
		t.Errorf("the card is not in the activity as it was: %s", got)
	}
	// Through json.Marshal (another encoder), CompactJSON is plain JSON.
	if b, err := json.Marshal(with(func(s string) any { return CompactJSON(s) })); err != nil || !bytes.Contains(b, []byte(`"content":{"type":"AdaptiveCard"`)) {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
}

// BenchmarkMarshalActivity encodes a reply carrying an encoded card of about 6 KB.
func BenchmarkMarshalActivity(b *testing.B) {
	body := make([]any, 0, 60)
	for i := range 60 {
		body = append(body, map[string]any{"type": "TextBlock", "text": fmt.Sprintf("**command %d** does something useful", i), "wrap": true})
	}
	card, err := json.Marshal(map[string]any{"type": "AdaptiveCard", "version": "1.5", "body": body})
	if err != nil {
		b.Fatal(err)
	}
	a := &schema.Activity{Type: schema.Message, Attachments: []schema.Attachment{
		{ContentType: "application/vnd.microsoft.card.adaptive", Content: CompactJSON(card)}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := marshalActivity(a); err != nil {
			b.Fatal(err)
		}
	}
}
