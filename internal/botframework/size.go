package botframework

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
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

// marshalActivity serializes a without the zero values schema.Activity
// cannot omit (year-1 timestamps, empty nested objects), so the connector
// gets only what the bot set. The opaque fields (attachments — the cards —,
// channelData, value, entities, suggested actions) are encoded once and
// spliced in as they are: they are most of the bytes, and re-encoding them
// through a map of raw messages would validate and compact them twice more.
func marshalActivity(a *schema.Activity) ([]byte, error) {
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
