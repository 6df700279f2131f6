package connector

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/infracloudio/msbotbuilder-go/schema"
)

const maxBody = 262144

func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, err := readAll(http.MaxBytesReader(w, r.Body, maxBody), r.ContentLength)
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "MessageSizeTooBig", "The request is too large.")
		return nil, false
	}
	return b, true
}

// readAll is io.ReadAll into a buffer of the announced size: the body is
// kept, and growing from 512 bytes would allocate it about four times over.
func readAll(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 || size > maxBody {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1) // +1: the read that sees EOF needs room
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // longer than announced: let append grow it
		}
	}
}

func utf16Size(b []byte) int {
	n := 0
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf { // ASCII, most of a card
			n += 2
			b = b[1:]
			continue
		}
		r, w := utf8.DecodeRune(b)
		b = b[w:]
		n += 2
		if r >= 0x10000 {
			n += 2
		}
	}
	return n
}

// readActivity reads the request's activity, answering 400 as the connector
// does when it is not one: not well-formed JSON, not an object, or without a
// type. The body is kept as sent; Record.Activity decodes it when a test
// reads it.
func readActivity(w http.ResponseWriter, r *http.Request) ([]byte, schema.ActivityTypes, bool) {
	body, ok := readBody(w, r)
	if !ok {
		return nil, "", false
	}
	typ := activityType(body)
	if typ == "" {
		writeError(w, http.StatusBadRequest, "BadArgument", "Invalid input")
		return nil, "", false
	}
	return body, typ, true
}

// activityType returns the "type" member of b when b is a well-formed JSON
// object whose type is a string, else "". It checks b with json.Valid and
// then walks only the object's top level, where decoding b into a struct
// would scan it twice (once to check it, once to skip what it does not keep).
func activityType(b []byte) schema.ActivityTypes {
	if !json.Valid(b) {
		return ""
	}
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return ""
	}
	var typ schema.ActivityTypes
	i := 1
	for {
		i = skipSpace(b, i)
		if b[i] == '}' {
			return typ
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		end := skipValue(b, i) // the key, a string
		key := b[i:end]
		i = skipSpace(b, end)
		i = skipSpace(b, i+1) // past ':'
		end = skipValue(b, i)
		if isKey(key, "type") {
			var s string
			if json.Unmarshal(b[i:end], &s) != nil {
				return "" // a type that is not a string
			}
			typ = schema.ActivityTypes(s) // the last one wins, as in encoding/json
		}
		i = end
	}
}

// isKey reports whether the JSON string key (quotes included) names the
// member name, matched without regard to case as encoding/json does.
func isKey(key []byte, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return bytes.EqualFold(key[1:len(key)-1], []byte(name))
	}
	var s string
	return json.Unmarshal(key, &s) == nil && strings.EqualFold(s, name)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the end of the value that starts at b[i]. b is valid JSON.
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			i++
			for b[i] != '"' {
				if b[i] == '\\' {
					i++
				}
				i++
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1
			}
			if depth < 0 {
				return i // the end of a number or literal at the object's end
			}
		case ',':
			if depth == 0 {
				return i
			}
		case ' ', '\t', '\r', '\n':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}
