package storetest

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// testSnapshots: a snapshot is per user and kind, a newer one replaces an
// older one, an older one never replaces a newer one, and bad keys are refused.
func testSnapshots(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	_, err := s.GetSnapshot(ctx, "tenant-1", "user-1", "dashboard/24h")
	wantKind(t, "GetSnapshot before Put", err, flowdeck.ErrNotFound)
	t0 := clk.Now().Truncate(time.Microsecond)
	in := flowdeck.Snapshot{TenantID: "tenant-1", UserID: "user-1", Kind: "dashboard/24h", AsOf: t0, Body: []byte(`{"a":1}`)}
	must(t, "PutSnapshot", s.PutSnapshot(ctx, in))
	check := func(what, kind, body string, asOf time.Time) {
		t.Helper()
		got, err := s.GetSnapshot(ctx, "tenant-1", "user-1", kind)
		must(t, what, err)
		if string(got.Body) != body || !got.AsOf.Equal(asOf) || got.Kind != kind || got.UserID != "user-1" {
			t.Fatalf("%s = %+v (%s), want body %s as of %v", what, got, got.Body, body, asOf)
		}
	}
	check("GetSnapshot", "dashboard/24h", `{"a":1}`, t0)

	newer := in
	newer.AsOf, newer.Body = t0.Add(time.Minute), []byte(`{"a":2}`)
	must(t, "PutSnapshot newer", s.PutSnapshot(ctx, newer))
	check("GetSnapshot after newer", "dashboard/24h", `{"a":2}`, newer.AsOf)
	must(t, "PutSnapshot older", s.PutSnapshot(ctx, in))
	check("GetSnapshot after a slower, older query", "dashboard/24h", `{"a":2}`, newer.AsOf)

	other := in
	other.Kind, other.Body = "dashboard/7d", []byte(`{"w":7}`)
	must(t, "PutSnapshot other kind", s.PutSnapshot(ctx, other))
	check("GetSnapshot other kind", "dashboard/7d", `{"w":7}`, t0)
	_, err = s.GetSnapshot(ctx, "tenant-1", "user-2", "dashboard/24h")
	wantKind(t, "GetSnapshot of another user", err, flowdeck.ErrNotFound)
	_, err = s.GetSnapshot(ctx, "tenant-2", "user-1", "dashboard/24h")
	wantKind(t, "GetSnapshot in another tenant", err, flowdeck.ErrNotFound)

	for _, bad := range []flowdeck.Snapshot{
		{UserID: "u", Kind: "k", AsOf: t0, Body: []byte("{}")},
		{TenantID: "t", Kind: "k", AsOf: t0, Body: []byte("{}")},
		{TenantID: "t", UserID: "u", AsOf: t0, Body: []byte("{}")},
		{TenantID: "t", UserID: "u", Kind: "k", Body: []byte("{}")},
		{TenantID: "t", UserID: "u", Kind: "k", AsOf: t0},
	} {
		wantKind(t, "PutSnapshot incomplete", s.PutSnapshot(ctx, bad), flowdeck.ErrInvalid)
	}
}
