package botframework

import (
	"encoding/json"
	"fmt"
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
// gets only what the bot set.
func marshalActivity(a *schema.Activity) ([]byte, error) {
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("marshal activity: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("marshal activity: %w", err)
	}
	for k, v := range m {
		if opaqueFields[k] {
			continue
		}
		if pruned, keep := prune(v); keep {
			m[k] = pruned
		} else {
			delete(m, k)
		}
	}
	return json.Marshal(m)
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
