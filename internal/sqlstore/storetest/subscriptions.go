package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func newSub(user, flow string) flowdeck.Subscription {
	return flowdeck.Subscription{
		TenantID: "tenant-1", UserID: user, Target: flowdeck.WatchFlow,
		EnvironmentID: "Default-env", FlowID: flow, FlowName: "Flow " + flow,
		Watermark: base.Add(-time.Hour),
	}
}

func testSubscriptions(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	in := newSub("user-1", "flow-1")
	created, err := s.CreateSubscription(ctx, in)
	must(t, "CreateSubscription", err)
	if created.ID == "" {
		t.Fatal("CreateSubscription assigned no ID")
	}
	wantTime(t, "CreatedAt", created.CreatedAt, clk.Now())
	wantTime(t, "UpdatedAt", created.UpdatedAt, clk.Now())
	got, err := s.GetSubscription(ctx, created.ID)
	must(t, "GetSubscription", err)
	checkSub(t, got, created)
	wantTime(t, "Watermark", got.Watermark, in.Watermark)
	if !got.MutedUntil.IsZero() || got.Paused {
		t.Errorf("new subscription: muted %v paused %v, want zero and false", got.MutedUntil, got.Paused)
	}

	// A caller-chosen ID is kept.
	chosen := newSub("user-1", "flow-2")
	chosen.ID = "sub-chosen"
	if c, err := s.CreateSubscription(ctx, chosen); err != nil || c.ID != "sub-chosen" {
		t.Fatalf("CreateSubscription with ID = %q, %v; want sub-chosen", c.ID, err)
	}

	// The same user watching the same target in the same conversation conflicts;
	// in another conversation it does not.
	_, err = s.CreateSubscription(ctx, in)
	wantKind(t, "CreateSubscription duplicate", err, flowdeck.ErrConflict)
	channel := in
	channel.ConversationID = "19:ops@thread.tacv2"
	_, err = s.CreateSubscription(ctx, channel)
	must(t, "CreateSubscription in a channel", err)

	for name, bad := range map[string]flowdeck.Subscription{
		"no user":         {TenantID: "t", Target: flowdeck.WatchAll},
		"bad target":      {TenantID: "t", UserID: "u", Target: "everything"},
		"flow without id": {TenantID: "t", UserID: "u", Target: flowdeck.WatchFlow, EnvironmentID: "e"},
	} {
		_, err := s.CreateSubscription(ctx, bad)
		wantKind(t, "CreateSubscription "+name, err, flowdeck.ErrInvalid)
	}

	_, err = s.GetSubscription(ctx, "missing")
	wantKind(t, "GetSubscription missing", err, flowdeck.ErrNotFound)
	must(t, "DeleteSubscription", s.DeleteSubscription(ctx, created.ID))
	_, err = s.GetSubscription(ctx, created.ID)
	wantKind(t, "GetSubscription after Delete", err, flowdeck.ErrNotFound)
	wantKind(t, "DeleteSubscription again", s.DeleteSubscription(ctx, created.ID), flowdeck.ErrNotFound)
	// Once deleted, the target can be watched again.
	_, err = s.CreateSubscription(ctx, in)
	must(t, "CreateSubscription after Delete", err)
}

func checkSub(t *testing.T, got, want flowdeck.Subscription) {
	t.Helper()
	if got.ID != want.ID || got.TenantID != want.TenantID || got.UserID != want.UserID ||
		got.ConversationID != want.ConversationID || got.Target != want.Target || got.EnvironmentID != want.EnvironmentID ||
		got.FlowID != want.FlowID || got.FlowName != want.FlowName || got.Paused != want.Paused || got.Auto != want.Auto ||
		!got.Watermark.Equal(want.Watermark) || !got.MutedUntil.Equal(want.MutedUntil) ||
		!got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("subscription = %+v, want %+v", got, want)
	}
}

func testSubscriptionList(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	var ids []string
	create := func(sub flowdeck.Subscription) {
		t.Helper()
		c, err := s.CreateSubscription(ctx, sub)
		must(t, "CreateSubscription", err)
		ids = append(ids, c.ID)
	}
	// Three in the same microsecond, then two later: order is creation order.
	create(newSub("user-1", "flow-c"))
	create(newSub("user-1", "flow-a"))
	create(newSub("user-2", "flow-b"))
	clk.Advance(time.Second)
	create(newSub("user-1", "flow-0"))
	other := newSub("user-1", "flow-x")
	other.TenantID = "tenant-2"
	create(other)

	list := func(f flowdeck.SubscriptionFilter) []string {
		t.Helper()
		subs, err := s.ListSubscriptions(ctx, f)
		must(t, "ListSubscriptions", err)
		var out []string
		for _, sub := range subs {
			out = append(out, sub.ID)
		}
		return out
	}
	checkIDs(t, "all", list(flowdeck.SubscriptionFilter{}), ids)
	checkIDs(t, "tenant-1", list(flowdeck.SubscriptionFilter{TenantID: "tenant-1"}), ids[:4])
	checkIDs(t, "user-1 of tenant-1", list(flowdeck.SubscriptionFilter{TenantID: "tenant-1", UserID: "user-1"}), []string{ids[0], ids[1], ids[3]})
	checkIDs(t, "nobody", list(flowdeck.SubscriptionFilter{TenantID: "tenant-9"}), nil)

	wantPaused(t, "SetPaused", 3)(s.SetPaused(ctx, "tenant-1", "user-1", true))
	checkIDs(t, "active", list(flowdeck.SubscriptionFilter{Active: true}), []string{ids[2], ids[4]})
	wantPaused(t, "SetPaused again", 0)(s.SetPaused(ctx, "tenant-1", "user-1", true))
	wantPaused(t, "SetPaused resume", 3)(s.SetPaused(ctx, "tenant-1", "user-1", false))
	checkIDs(t, "active after resume", list(flowdeck.SubscriptionFilter{Active: true}), ids)
}

func checkIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d subscriptions %v, want %v", what, len(got), got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s: got %v, want %v", what, got, want)
		}
	}
}

func testSubscriptionState(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	a, err := s.CreateSubscription(ctx, newSub("user-1", "flow-1"))
	must(t, "CreateSubscription", err)
	b, err := s.CreateSubscription(ctx, newSub("user-2", "flow-1"))
	must(t, "CreateSubscription", err)

	now := clk.Advance(time.Minute)
	wantPaused(t, "SetPaused", 1)(s.SetPaused(ctx, "tenant-1", "user-1", true))
	got, err := s.GetSubscription(ctx, a.ID)
	must(t, "GetSubscription", err)
	if !got.Paused {
		t.Error("SetPaused did not pause the user's subscription")
	}
	wantTime(t, "UpdatedAt after SetPaused", got.UpdatedAt, now)
	if got, _ := s.GetSubscription(ctx, b.ID); got.Paused {
		t.Error("SetPaused paused another user's subscription")
	}
	wantPaused(t, "SetPaused of nobody", 0)(s.SetPaused(ctx, "tenant-9", "user-9", true))

	until := base.Add(8 * time.Hour)
	must(t, "SetMutedUntil", s.SetMutedUntil(ctx, a.ID, until))
	got, err = s.GetSubscription(ctx, a.ID)
	must(t, "GetSubscription", err)
	wantTime(t, "MutedUntil", got.MutedUntil, until)
	must(t, "SetMutedUntil zero", s.SetMutedUntil(ctx, a.ID, time.Time{}))
	got, err = s.GetSubscription(ctx, a.ID)
	must(t, "GetSubscription", err)
	if !got.MutedUntil.IsZero() {
		t.Errorf("MutedUntil after unmute = %v, want zero", got.MutedUntil)
	}
	wantKind(t, "SetMutedUntil missing", s.SetMutedUntil(ctx, "missing", until), flowdeck.ErrNotFound)
}

func testWatermark(t *testing.T, open Opener) {
	s, _ := setup(t, open)
	ctx := t.Context()
	zero := newSub("user-1", "flow-1")
	zero.Watermark = time.Time{}
	sub, err := s.CreateSubscription(ctx, zero)
	must(t, "CreateSubscription", err)
	if !sub.Watermark.IsZero() {
		t.Fatalf("Watermark = %v, want zero", sub.Watermark)
	}
	// From the zero time, then from a time with nanoseconds (compared at microseconds).
	w1 := base.Add(time.Minute)
	must(t, "AdvanceWatermark from zero", s.AdvanceWatermark(ctx, sub.ID, time.Time{}, w1))
	w2 := base.Add(2 * time.Minute)
	must(t, "AdvanceWatermark", s.AdvanceWatermark(ctx, sub.ID, w1, w2))
	got, err := s.GetSubscription(ctx, sub.ID)
	must(t, "GetSubscription", err)
	wantTime(t, "Watermark", got.Watermark, w2)

	wantKind(t, "AdvanceWatermark from a stale watermark", s.AdvanceWatermark(ctx, sub.ID, w1, base.Add(time.Hour)), flowdeck.ErrConflict)
	wantKind(t, "AdvanceWatermark from zero again", s.AdvanceWatermark(ctx, sub.ID, time.Time{}, base.Add(time.Hour)), flowdeck.ErrConflict)
	wantKind(t, "AdvanceWatermark missing", s.AdvanceWatermark(ctx, "missing", w2, base.Add(time.Hour)), flowdeck.ErrNotFound)
	got, err = s.GetSubscription(ctx, sub.ID)
	must(t, "GetSubscription", err)
	wantTime(t, "Watermark after failed advances", got.Watermark, w2)
}

func testWatermarkConcurrent(t *testing.T, open Opener) {
	s, _ := setup(t, open)
	ctx := t.Context()
	sub, err := s.CreateSubscription(ctx, newSub("user-1", "flow-1"))
	must(t, "CreateSubscription", err)
	from := sub.Watermark
	for round := range 5 {
		errs := parallel(workers, func(i int) error {
			return s.AdvanceWatermark(ctx, sub.ID, from, from.Add(time.Duration(i+1)*time.Second))
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("round %d: workers %d and %d both advanced the watermark", round, winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, flowdeck.ErrConflict):
				t.Fatalf("round %d: worker %d: got %v, want ErrConflict", round, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("round %d: no worker advanced the watermark", round)
		}
		got, err := s.GetSubscription(ctx, sub.ID)
		must(t, "GetSubscription", err)
		want := from.Add(time.Duration(winner+1) * time.Second)
		wantTime(t, "Watermark after the race", got.Watermark, want)
		from = got.Watermark
	}
}

func testSettings(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	_, err := s.GetSettings(ctx, "tenant-1", "user-1")
	wantKind(t, "GetSettings before Put", err, flowdeck.ErrNotFound)
	in := flowdeck.UserSettings{TenantID: "tenant-1", UserID: "user-1", TimeZone: "Europe/Paris", DigestTime: "08:30", QuietStart: "20:00", QuietEnd: "07:00",
		Delivery: flowdeck.DeliveryBoth}
	must(t, "PutSettings", s.PutSettings(ctx, in))
	got, err := s.GetSettings(ctx, "tenant-1", "user-1")
	must(t, "GetSettings", err)
	checkSettings(t, got, in, clk.Now())

	other := flowdeck.UserSettings{TenantID: "tenant-1", UserID: "user-0", TimeZone: "UTC", QuietStart: "22:00", QuietEnd: "06:00"}
	must(t, "PutSettings without digest", s.PutSettings(ctx, other))
	digests, err := s.ListDigests(ctx)
	must(t, "ListDigests", err)
	if len(digests) != 1 {
		t.Fatalf("ListDigests = %+v, want user-1's only", digests)
	}
	checkSettings(t, digests[0], in, clk.Now())

	now := clk.Advance(time.Hour)
	in.DigestTime, in.QuietStart, in.QuietEnd, in.Delivery = "", "", "", flowdeck.DeliveryFeed
	must(t, "PutSettings replace", s.PutSettings(ctx, in))
	got, err = s.GetSettings(ctx, "tenant-1", "user-1")
	must(t, "GetSettings after replace", err)
	checkSettings(t, got, in, now)
	if digests, err = s.ListDigests(ctx); err != nil || len(digests) != 0 {
		t.Fatalf("ListDigests after the digest was turned off = %+v, %v; want none", digests, err)
	}

	_, err = s.GetSettings(ctx, "tenant-1", "user-2")
	wantKind(t, "GetSettings other user", err, flowdeck.ErrNotFound)
	wantKind(t, "PutSettings without user", s.PutSettings(ctx, flowdeck.UserSettings{TenantID: "t"}), flowdeck.ErrInvalid)
	wantKind(t, "PutSettings with an unknown delivery", s.PutSettings(ctx, flowdeck.UserSettings{TenantID: "t", UserID: "u", Delivery: "pager"}), flowdeck.ErrInvalid)
}

func checkSettings(t *testing.T, got, want flowdeck.UserSettings, now time.Time) {
	t.Helper()
	updated := got.UpdatedAt
	got.UpdatedAt, want.UpdatedAt = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("settings = %+v, want %+v", got, want)
	}
	wantTime(t, "settings UpdatedAt", updated, now)
}

// wantPaused checks the count SetPaused returned.
func wantPaused(t *testing.T, what string, want int) func(int, error) {
	return func(n int, err error) {
		t.Helper()
		must(t, what, err)
		if n != want {
			t.Fatalf("%s changed %d subscriptions, want %d", what, n, want)
		}
	}
}

// testPauseConcurrent pauses one user from many goroutines at once: exactly
// one of them sees its subscriptions change (the monitor sends the sign-in
// card on that one).
func testPauseConcurrent(t *testing.T, open Opener) {
	s, _ := setup(t, open)
	ctx := t.Context()
	for _, f := range []string{"flow-1", "flow-2"} {
		_, err := s.CreateSubscription(ctx, newSub("user-1", f))
		must(t, "CreateSubscription", err)
	}
	counts := make([]int, workers)
	errs := parallel(workers, func(i int) error {
		var err error
		counts[i], err = s.SetPaused(ctx, "tenant-1", "user-1", true)
		return err
	})
	winners := 0
	for i, err := range errs {
		must(t, "SetPaused", err)
		switch counts[i] {
		case 0:
		case 2:
			winners++
		default:
			t.Fatalf("a concurrent SetPaused changed %d subscriptions, want 0 or 2", counts[i])
		}
	}
	if winners != 1 {
		t.Fatalf("%d concurrent SetPaused calls saw the change, want exactly 1", winners)
	}
}
