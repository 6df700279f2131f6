package flowdeck_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestAssertionNeverPrintsItsToken: every way Go has to print, log or
// serialise a value shows "[redacted]", alone or inside a struct, a pointer
// or a map; only Token gives the token back.
func TestAssertionNeverPrintsItsToken(t *testing.T) {
	const secret = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl"
	a := flowdeck.NewAssertion(secret)
	type holder struct {
		Who       string
		Assertion flowdeck.Assertion
		Ptr       *flowdeck.Assertion
	}
	h := holder{Who: "adele", Assertion: a, Ptr: &a}
	var outs []string
	for _, v := range []any{a, &a, h, &h, map[string]flowdeck.Assertion{"a": a}, []flowdeck.Assertion{a}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v"} {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
		outs = append(outs, fmt.Sprint(v), fmt.Sprintln(v))
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(%T): %v", v, err)
		}
		outs = append(outs, string(b))
	}
	var logs bytes.Buffer
	for _, hd := range []slog.Handler{slog.NewTextHandler(&logs, nil), slog.NewJSONHandler(&logs, nil)} {
		l := slog.New(hd)
		l.Info("sign-in", "assertion", a, "holder", h)
		l.LogAttrs(context.Background(), slog.LevelInfo, "sign-in", slog.Any("assertion", a), slog.Any("ptr", &a))
	}
	outs = append(outs, logs.String())
	for _, out := range outs {
		if strings.Contains(out, "eyJ") || strings.Contains(out, "c2VjcmV0") || strings.Contains(out, fmt.Sprintf("%x", secret[:8])) {
			t.Errorf("the token shows: %s", out)
		}
	}
	if got := fmt.Sprint(a); got != "[redacted]" {
		t.Errorf("fmt.Sprint = %q, want [redacted]", got)
	}
	if !strings.Contains(logs.String(), "[redacted]") {
		t.Errorf("the logs do not say [redacted]:\n%s", logs.String())
	}
	if a.Token() != secret || a.IsZero() {
		t.Error("Token does not give the token back")
	}
}

// TestAssertionContext: the context carries the assertion as it was given;
// a zero Assertion is not carried.
func TestAssertionContext(t *testing.T) {
	ctx := context.Background()
	if _, ok := flowdeck.AssertionFrom(ctx); ok {
		t.Fatal("an empty context has an assertion")
	}
	if _, ok := flowdeck.AssertionFrom(flowdeck.WithAssertion(ctx, flowdeck.Assertion{})); ok {
		t.Fatal("a zero assertion was carried")
	}
	got, ok := flowdeck.AssertionFrom(flowdeck.WithAssertion(ctx, flowdeck.NewAssertion("tok")))
	if !ok || got.Token() != "tok" {
		t.Fatalf("AssertionFrom = %v, %v", got, ok)
	}
	if s := fmt.Sprint(flowdeck.Assertion{}); s != "[none]" {
		t.Errorf("zero assertion prints %q", s)
	}
}
