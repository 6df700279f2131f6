package botframework

import (
	"context"
	"testing"
)

func TestHostGate(t *testing.T) {
	g := &hostGate{max: 2}
	ctx := t.Context()
	done, cancel := context.WithCancel(ctx)
	cancel() // a call that would have to wait gives up at once
	enter := func(c context.Context, u string) (func(bool), bool) {
		leave, err := g.enter(c, u)
		return leave, err == nil
	}

	// The first call to a host goes alone; other hosts are not held up.
	first, ok := enter(ctx, "https://a.example/v3/x")
	if !ok {
		t.Fatal("first call refused")
	}
	if _, ok := enter(done, "https://a.example/v3/y"); ok {
		t.Fatal("a second call went in before the first was answered")
	}
	other, ok := enter(ctx, "https://b.example/v3/x")
	if !ok {
		t.Fatal("another host waited for a.example")
	}
	other(true)

	// Not answered (no connection): the next call is the first one again.
	first(false)
	first, ok = enter(ctx, "https://a.example/v3/x")
	if !ok {
		t.Fatal("call after a failed first call refused")
	}
	if _, ok := enter(done, "https://a.example/v3/y"); ok {
		t.Fatal("a second call went in while the new first call was under way")
	}

	// Answered: up to max calls at once.
	first(true)
	l1, ok1 := enter(ctx, "https://a.example/v3/1")
	l2, ok2 := enter(ctx, "https://a.example/v3/2")
	if !ok1 || !ok2 {
		t.Fatal("calls refused after the host answered")
	}
	if _, ok := enter(done, "https://a.example/v3/3"); ok {
		t.Fatal("more than max calls in flight")
	}
	l1(true)
	l3, ok := enter(ctx, "https://a.example/v3/3")
	if !ok {
		t.Fatal("a freed slot was not reused")
	}
	l2(true)
	l3(true)
}

func TestHostOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://smba.trafficmanager.net/teams/v3/conversations/a%3A1/activities": "https://smba.trafficmanager.net",
		"http://127.0.0.1:3978/v3": "http://127.0.0.1:3978",
		"https://example.com":      "https://example.com",
	} {
		if got := hostOf(in); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", in, got, want)
		}
	}
}
