package server

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// A reader of the tab's TypeScript types (web/src/types.ts), enough of the
// language for that file: exported interfaces (with extends), fields with ?,
// string, number, boolean, unknown, Record<…>, arrays, inline object types,
// string literal unions and "| null". The contract test checks real API
// responses against it.

// tsType is one TypeScript type.
type tsType struct {
	kind     string // string, number, boolean, unknown, record, array, object, ref
	elem     *tsType
	ref      string
	fields   map[string]tsField
	nullable bool
}

// tsField is a field of an interface or inline object type.
type tsField struct {
	t        tsType
	optional bool
}

// tsTypes maps interface names to their (extends-merged) object types.
type tsTypes map[string]tsType

var (
	tsBlockComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	tsLineComment  = regexp.MustCompile(`(?m)//.*$`)
	tsInterface    = regexp.MustCompile(`export interface (\w+)(?:\s+extends\s+(\w+))?\s*\{`)
	tsFieldRE      = regexp.MustCompile(`(?s)^(\w+)(\?)?\s*:\s*(.+)$`)
)

// parseTS reads the interfaces of a types.ts source.
func parseTS(src string) (tsTypes, error) {
	src = tsLineComment.ReplaceAllString(tsBlockComment.ReplaceAllString(src, ""), "")
	out := tsTypes{}
	extends := map[string]string{}
	for _, m := range tsInterface.FindAllStringSubmatchIndex(src, -1) {
		name := src[m[2]:m[3]]
		if m[4] >= 0 {
			extends[name] = src[m[4]:m[5]]
		}
		body, _, err := tsBraced(src[m[1]-1:])
		if err != nil {
			return nil, fmt.Errorf("interface %s: %w", name, err)
		}
		fields, err := tsObject(body)
		if err != nil {
			return nil, fmt.Errorf("interface %s: %w", name, err)
		}
		out[name] = tsType{kind: "object", fields: fields}
	}
	for name, base := range extends {
		b, ok := out[base]
		if !ok {
			return nil, fmt.Errorf("interface %s extends unknown %s", name, base)
		}
		for k, f := range b.fields {
			if _, own := out[name].fields[k]; !own {
				out[name].fields[k] = f
			}
		}
	}
	return out, nil
}

// tsBraced splits s, which starts with "{", into the text inside the
// matching braces and the rest after them.
func tsBraced(s string) (inside, rest string, err error) {
	depth := 0
	for i, r := range s {
		switch r {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return s[1:i], s[i+1:], nil
			}
		}
	}
	return "", "", fmt.Errorf("unbalanced braces")
}

// tsSplit splits s at sep where no brace or angle bracket is open.
func tsSplit(s string, sep rune) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '{' || r == '<':
			depth++
		case r == '}' || r == '>':
			depth--
		case r == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// tsObject reads the fields of an object type's body.
func tsObject(body string) (map[string]tsField, error) {
	fields := map[string]tsField{}
	for _, line := range tsSplit(strings.ReplaceAll(body, "\n", ";"), ';') {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		m := tsFieldRE.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("cannot read field %q", line)
		}
		t, err := tsParse(m[3])
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", m[1], err)
		}
		fields[m[1]] = tsField{t: t, optional: m[2] == "?"}
	}
	return fields, nil
}

// tsParse reads one type expression.
func tsParse(s string) (tsType, error) {
	s = strings.TrimSpace(s)
	var alts []string
	nullable := false
	for _, p := range tsSplit(s, '|') {
		if p = strings.TrimSpace(p); p == "null" {
			nullable = true
		} else {
			alts = append(alts, p)
		}
	}
	if len(alts) > 1 { // a union of string literals
		for _, a := range alts {
			if !strings.HasPrefix(a, `"`) {
				return tsType{}, fmt.Errorf("unsupported union %q", s)
			}
		}
		return tsType{kind: "string", nullable: nullable}, nil
	}
	if len(alts) == 0 {
		return tsType{}, fmt.Errorf("empty type %q", s)
	}
	a := alts[0]
	var t tsType
	switch {
	case strings.HasSuffix(a, "[]"):
		e, err := tsParse(strings.TrimSuffix(a, "[]"))
		if err != nil {
			return tsType{}, err
		}
		t = tsType{kind: "array", elem: &e}
	case strings.HasPrefix(a, "{"):
		inside, rest, err := tsBraced(a)
		if err != nil || strings.TrimSpace(rest) != "" {
			return tsType{}, fmt.Errorf("cannot read %q", a)
		}
		fields, err := tsObject(inside)
		if err != nil {
			return tsType{}, err
		}
		t = tsType{kind: "object", fields: fields}
	case strings.HasPrefix(a, "Record<"):
		t = tsType{kind: "record"}
	case strings.HasPrefix(a, `"`):
		t = tsType{kind: "string"}
	case a == "string" || a == "number" || a == "boolean" || a == "unknown":
		t = tsType{kind: a}
	case regexp.MustCompile(`^\w+$`).MatchString(a):
		t = tsType{kind: "ref", ref: a}
	default:
		return tsType{}, fmt.Errorf("unsupported type %q", a)
	}
	t.nullable = nullable
	return t, nil
}

// check compares a decoded JSON value with t: every field TypeScript
// requires is there, every field present has the declared type. It returns
// the mismatches, and in extra the JSON keys TypeScript does not declare.
func (ts tsTypes) check(v any, t tsType, path string, extra *[]string) []string {
	if v == nil {
		if t.nullable || t.kind == "unknown" {
			return nil
		}
		return []string{path + ": null, TypeScript says " + t.describe()}
	}
	wrong := func() []string { return []string{fmt.Sprintf("%s: %T, TypeScript says %s", path, v, t.describe())} }
	switch t.kind {
	case "unknown":
		return nil
	case "string":
		if _, ok := v.(string); !ok {
			return wrong()
		}
	case "number":
		if _, ok := v.(float64); !ok {
			return wrong()
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return wrong()
		}
	case "record":
		if _, ok := v.(map[string]any); !ok {
			return wrong()
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return wrong()
		}
		var errs []string
		for i, e := range a {
			errs = append(errs, ts.check(e, *t.elem, fmt.Sprintf("%s[%d]", path, i), extra)...)
		}
		return errs
	case "ref":
		r, ok := ts[t.ref]
		if !ok {
			return []string{path + ": unknown TypeScript type " + t.ref}
		}
		return ts.check(v, r, path, extra)
	case "object":
		o, ok := v.(map[string]any)
		if !ok {
			return wrong()
		}
		var errs []string
		for name, f := range t.fields {
			fv, present := o[name]
			if !present {
				if !f.optional {
					errs = append(errs, path+"."+name+": missing, TypeScript requires it")
				}
				continue
			}
			errs = append(errs, ts.check(fv, f.t, path+"."+name, extra)...)
		}
		for k := range o {
			if _, ok := t.fields[k]; !ok {
				*extra = append(*extra, path+"."+k)
			}
		}
		return errs
	}
	return nil
}

// describe names a type in errors.
func (t tsType) describe() string {
	s := t.kind
	switch t.kind {
	case "ref":
		s = t.ref
	case "array":
		s = t.elem.describe() + "[]"
	}
	if t.nullable {
		s += " | null"
	}
	return s
}

// loadTS reads the tab's types.ts.
func loadTS(tb testing.TB) tsTypes {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "web", "src", "types.ts"))
	if err != nil {
		tb.Fatal(err)
	}
	ts, err := parseTS(string(b))
	if err != nil {
		tb.Fatalf("reading web/src/types.ts: %v", err)
	}
	return ts
}

// sortedUnique sorts and dedupes s, dropping array indexes.
func sortedUnique(s []string) []string {
	idx := regexp.MustCompile(`\[\d+\]`)
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		x = idx.ReplaceAllString(x, "[]")
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}
