package botframework

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

// DefaultMaxMessageBytes is the size FlowDeck keeps every outbound activity
// under: Teams' limit is about 100 KB, UTF-16 encoded; the docs say stay under 80 KB.
const DefaultMaxMessageBytes = 80 * 1024

// UTF16Size estimates the size of s in UTF-16: two bytes per code unit,
// four for a character outside the Basic Multilingual Plane.
func UTF16Size(s []byte) int {
	n := 0
	for len(s) > 0 {
		if s[0] < utf8.RuneSelf { // ASCII, most of a card
			n += 2
			s = s[1:]
			continue
		}
		r, w := utf8.DecodeRune(s)
		s = s[w:]
		if r >= 0x10000 {
			n += 4
		} else {
			n += 2
		}
	}
	return n
}

// opaqueFields are activity fields whose content belongs to someone else
// (cards, channel data, values): marshalActivity keeps them untouched.
var opaqueFields = map[string]bool{"attachments": true, "channelData": true, "value": true, "entities": true, "suggestedActions": true}

// activityField is a field of schema.Activity that marshalActivity encodes
// and prunes (not an opaque one).
type activityField struct {
	index int
	name  string
}

// activityFields lists them, in declaration order.
var activityFields = sync.OnceValue(func() []activityField {
	t := reflect.TypeFor[schema.Activity]()
	var out []activityField
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && !opaqueFields[name] {
			out = append(out, activityField{index: i, name: name})
		}
	}
	return out
})

// member is one encoded member of the activity's JSON object.
type member struct {
	name  string
	value []byte
}

// marshalActivity serializes a without the zero values schema.Activity
// cannot omit (year-1 timestamps, empty nested objects), so the connector
// gets only what the bot set. A field left at its zero value (or empty, as
// omitempty has it) is skipped without being encoded: every field of
// schema.Activity and of its nested structs is omitempty, so its JSON would
// prune to nothing. The others are encoded one by one and pruned. The opaque
// fields (attachments — the cards —, channelData, value, entities, suggested
// actions) are encoded once and spliced in as they are: they are most of the
// bytes. Members are written in name order.
func marshalActivity(a *schema.Activity) ([]byte, error) {
	v := reflect.ValueOf(a).Elem()
	ms := make([]member, 0, 16)
	size := 2
	for _, f := range activityFields() {
		fv := v.Field(f.index)
		if fv.IsZero() || isEmpty(fv) {
			continue
		}
		b, err := json.Marshal(fv.Interface())
		if err != nil {
			return nil, fmt.Errorf("marshal activity %s: %w", f.name, err)
		}
		if pruned, keep := prune(b); keep {
			ms = append(ms, member{f.name, pruned})
			size += len(f.name) + len(pruned) + 4
		}
	}
	for _, o := range []struct {
		key  string
		v    any
		keep bool
	}{
		{"attachments", attachments(a.Attachments), len(a.Attachments) > 0},
		{"channelData", a.ChannelData, len(a.ChannelData) > 0},
		{"value", a.Value, len(a.Value) > 0},
		{"entities", a.Entities, len(a.Entities) > 0},
		{"suggestedActions", a.SuggestedActions, len(a.SuggestedActions.Actions) > 0 || len(a.SuggestedActions.To) > 0},
	} {
		if !o.keep {
			continue
		}
		var b []byte
		var err error
		if as, ok := o.v.(attachmentsJSON); ok {
			b, err = as.MarshalJSON()
		} else {
			b, err = json.Marshal(o.v)
		}
		if err != nil {
			return nil, fmt.Errorf("marshal activity %s: %w", o.key, err)
		}
		ms = append(ms, member{o.key, b})
		size += len(o.key) + len(b) + 4
	}
	slices.SortFunc(ms, func(x, y member) int { return strings.Compare(x.name, y.name) })
	buf := make([]byte, 0, size)
	buf = append(buf, '{')
	for i, m := range ms {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, m.name...) // field names need no escaping
		buf = append(buf, '"', ':')
		buf = append(buf, m.value...)
	}
	buf = append(buf, '}')
	return buf, nil
}

// CompactJSON is JSON exactly as json.Marshal writes it: valid, compact,
// HTML-escaped. As an attachment's Content (a card encoded once and sent
// many times), the connector client splices it into the activity as it is,
// where encoding/json would scan and copy it again on every send.
type CompactJSON []byte

// MarshalJSON returns j; encoding/json still checks it.
func (j CompactJSON) MarshalJSON() ([]byte, error) {
	if j == nil {
		return []byte("null"), nil
	}
	return j, nil
}

// attachments is a's attachments for json.Marshal: encoded by
// attachmentsJSON when a content is CompactJSON.
func attachments(as []schema.Attachment) any {
	for _, at := range as {
		if _, ok := at.Content.(CompactJSON); ok {
			return attachmentsJSON(as)
		}
	}
	return as
}

// attachmentsJSON encodes attachments with CompactJSON contents spliced in.
type attachmentsJSON []schema.Attachment

// MarshalJSON implements json.Marshaler. It is called by marshalActivity,
// not through json.Marshal (which would scan the result again).
func (as attachmentsJSON) MarshalJSON() ([]byte, error) {
	buf := []byte{'['}
	for i, at := range as {
		if i > 0 {
			buf = append(buf, ',')
		}
		raw, ok := at.Content.(CompactJSON)
		if !ok || len(raw) == 0 {
			b, err := json.Marshal(at)
			if err != nil {
				return nil, err
			}
			buf = append(buf, b...)
			continue
		}
		at.Content = nil
		rest, err := json.Marshal(at) // {"contentType":…} or {}
		if err != nil {
			return nil, err
		}
		buf = append(buf, `{"content":`...)
		buf = append(buf, raw...)
		if len(rest) > 2 {
			buf = append(buf, ',')
			buf = append(buf, rest[1:]...)
		} else {
			buf = append(buf, '}')
		}
	}
	return append(buf, ']'), nil
}

// isEmpty reports what omitempty omits beyond zero values: empty slices,
// maps and strings.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	}
	return false
}

const zeroTime = `"0001-01-01T00:00:00Z"`

// prune drops zero timestamps and objects left empty, recursively. It
// reports whether anything is left.
func prune(v json.RawMessage) (json.RawMessage, bool) {
	s := string(v)
	switch {
	case s == zeroTime || s == "{}" || s == `""` || s == "null":
		return nil, false
	case len(s) > 0 && s[0] == '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(v, &m); err != nil {
			return v, true
		}
		for k, vv := range m {
			if p, keep := prune(vv); keep {
				m[k] = p
			} else {
				delete(m, k)
			}
		}
		if len(m) == 0 {
			return nil, false
		}
		out, err := json.Marshal(m)
		if err != nil {
			return v, true
		}
		return out, true
	}
	return v, true
}
