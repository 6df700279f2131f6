package storetest

import (
	"testing"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// testAutoSubscription checks the default subscription of a first sign-in:
// its Auto flag and the "mine" and "approvals" targets are stored and read
// back, beside the user's explicit subscriptions, which keep Auto unset;
// both new targets are personal-chat only.
func testAutoSubscription(t *testing.T, open Opener) {
	s, _ := setup(t, open)
	ctx := t.Context()
	explicit, err := s.CreateSubscription(ctx, newSub("user-1", "flow-1"))
	must(t, "CreateSubscription explicit", err)
	auto, err := s.CreateSubscription(ctx, flowdeck.Subscription{TenantID: "tenant-1", UserID: "user-1", Target: flowdeck.WatchMine, Auto: true, Watermark: base})
	must(t, "CreateSubscription auto", err)
	approvals, err := s.CreateSubscription(ctx, flowdeck.Subscription{TenantID: "tenant-1", UserID: "user-1", Target: flowdeck.WatchApprovals, Auto: true, Watermark: base})
	must(t, "CreateSubscription approvals", err)
	_, err = s.CreateSubscription(ctx, flowdeck.Subscription{TenantID: "tenant-1", UserID: "user-1", Target: flowdeck.WatchMine, Auto: true, Watermark: base})
	wantKind(t, "CreateSubscription second default", err, flowdeck.ErrConflict)

	list, err := s.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: "tenant-1", UserID: "user-1"})
	must(t, "ListSubscriptions", err)
	if len(list) != 3 {
		t.Fatalf("ListSubscriptions = %d subscriptions, want 3", len(list))
	}
	byID := map[string]flowdeck.Subscription{}
	for _, sub := range list {
		byID[sub.ID] = sub
	}
	for _, want := range []flowdeck.Subscription{explicit, auto, approvals} {
		checkSub(t, byID[want.ID], want)
	}
	if byID[explicit.ID].Auto || !byID[auto.ID].Auto {
		t.Errorf("Auto: explicit %v, default %v; want false, true", byID[explicit.ID].Auto, byID[auto.ID].Auto)
	}
	for _, target := range []string{flowdeck.WatchMine, flowdeck.WatchApprovals} {
		_, err := s.CreateSubscription(ctx, flowdeck.Subscription{TenantID: "tenant-1", UserID: "user-1", Target: target, ConversationID: "19:ops@thread.tacv2"})
		wantKind(t, "CreateSubscription "+target+" in a channel", err, flowdeck.ErrInvalid)
	}
}
