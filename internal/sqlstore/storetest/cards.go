package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func testCards(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	c := flowdeck.CardState{Key: "approval:env:1", TenantID: "tenant-1", ConversationID: "a:1", ActivityID: "1:act",
		Kind: "approval", Data: []byte(`{"status":"pending"}`)}
	_, err := s.GetCard(ctx, c.Key, c.ConversationID)
	wantKind(t, "GetCard before Put", err, flowdeck.ErrNotFound)

	v1, err := s.PutCard(ctx, c)
	must(t, "PutCard insert", err)
	if v1.Version != 1 {
		t.Fatalf("inserted version = %d, want 1", v1.Version)
	}
	wantTime(t, "card UpdatedAt", v1.UpdatedAt, clk.Now())
	got, err := s.GetCard(ctx, c.Key, c.ConversationID)
	must(t, "GetCard", err)
	checkCard(t, got, v1)
	_, err = s.PutCard(ctx, c)
	wantKind(t, "PutCard insert again", err, flowdeck.ErrConflict)

	clk.Advance(time.Second)
	next := v1
	next.Data = []byte(`{"status":"approved"}`)
	v2, err := s.PutCard(ctx, next)
	must(t, "PutCard update", err)
	if v2.Version != 2 {
		t.Fatalf("updated version = %d, want 2", v2.Version)
	}
	got, err = s.GetCard(ctx, c.Key, c.ConversationID)
	must(t, "GetCard after update", err)
	checkCard(t, got, v2)

	_, err = s.PutCard(ctx, next) // still version 1: stale
	wantKind(t, "PutCard stale", err, flowdeck.ErrConflict)
	got, err = s.GetCard(ctx, c.Key, c.ConversationID)
	must(t, "GetCard after stale put", err)
	checkCard(t, got, v2)

	missing := c
	missing.ConversationID, missing.Version = "a:none", 3
	_, err = s.PutCard(ctx, missing)
	wantKind(t, "PutCard update of a missing card", err, flowdeck.ErrNotFound)

	// The same key in another conversation is another card.
	other := c
	other.ConversationID = "19:channel"
	o1, err := s.PutCard(ctx, other)
	must(t, "PutCard other conversation", err)
	list, err := s.ListCards(ctx, c.Key)
	must(t, "ListCards", err)
	if len(list) != 2 {
		t.Fatalf("ListCards = %d cards, want 2", len(list))
	}
	checkCard(t, list[0], o1) // "19:channel" sorts before "a:1"
	checkCard(t, list[1], v2)
	if list, err := s.ListCards(ctx, "alert:none"); err != nil || len(list) != 0 {
		t.Fatalf("ListCards of an unknown key = %v, %v; want none", list, err)
	}

	for name, bad := range map[string]flowdeck.CardState{
		"no key":           {ConversationID: "a:1"},
		"no conversation":  {Key: "k"},
		"negative version": {Key: "k", ConversationID: "a:1", Version: -1},
	} {
		_, err := s.PutCard(ctx, bad)
		wantKind(t, "PutCard "+name, err, flowdeck.ErrInvalid)
	}
}

func checkCard(t *testing.T, got, want flowdeck.CardState) {
	t.Helper()
	if got.Key != want.Key || got.TenantID != want.TenantID || got.ConversationID != want.ConversationID ||
		got.ActivityID != want.ActivityID || got.Kind != want.Kind || !bytes.Equal(got.Data, want.Data) ||
		got.Version != want.Version || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("card = %+v, want %+v", got, want)
	}
}

// testCardsConcurrent races inserts and then updates of one card: exactly one
// writer wins each race.
func testCardsConcurrent(t *testing.T, open Opener) {
	s, _ := setup(t, open)
	ctx := t.Context()
	c := flowdeck.CardState{Key: "alert:sub:flow", TenantID: "tenant-1", ConversationID: "a:1", Kind: "alert", Data: []byte("{}")}
	for version := range 4 {
		c.Version = version
		errs := parallel(workers, func(int) error {
			_, err := s.PutCard(ctx, c)
			return err
		})
		won := 0
		for i, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, flowdeck.ErrConflict):
				t.Fatalf("version %d: worker %d: got %v, want ErrConflict", version, i, err)
			}
		}
		if won != 1 {
			t.Fatalf("version %d: %d writers won, want 1", version, won)
		}
		got, err := s.GetCard(ctx, c.Key, c.ConversationID)
		must(t, "GetCard", err)
		if got.Version != version+1 {
			t.Fatalf("stored version = %d, want %d", got.Version, version+1)
		}
	}
}
