package storetest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func testNotifications(t *testing.T, open Opener) {
	s, clk := setup(t, open)
	ctx := t.Context()
	n := flowdeck.Notification{Key: "sub:1:run:1", SubscriptionID: "sub-1", TenantID: "tenant-1", ConversationID: "a:1", Count: 1}
	_, err := s.GetNotification(ctx, n.Key)
	wantKind(t, "GetNotification before claim", err, flowdeck.ErrNotFound)

	claimed, err := s.ClaimNotification(ctx, n)
	must(t, "ClaimNotification", err)
	if claimed.State != flowdeck.NotificationPending {
		t.Errorf("claimed state = %q, want pending", claimed.State)
	}
	wantTime(t, "CreatedAt", claimed.CreatedAt, clk.Now())
	got, err := s.GetNotification(ctx, n.Key)
	must(t, "GetNotification", err)
	checkNotification(t, got, claimed)

	// A second claim loses and sees the first.
	clk.Advance(time.Second)
	again := n
	again.ConversationID = "a:other"
	existing, err := s.ClaimNotification(ctx, again)
	wantKind(t, "ClaimNotification again", err, flowdeck.ErrConflict)
	checkNotification(t, existing, claimed)

	// A failed delivery releases the key; it can be claimed again.
	must(t, "ReleaseNotification pending", s.ReleaseNotification(ctx, n.Key))
	_, err = s.GetNotification(ctx, n.Key)
	wantKind(t, "GetNotification after release", err, flowdeck.ErrNotFound)
	must(t, "ReleaseNotification of nothing", s.ReleaseNotification(ctx, n.Key))
	claimed, err = s.ClaimNotification(ctx, n)
	must(t, "ClaimNotification after release", err)

	now := clk.Advance(time.Second)
	must(t, "CompleteNotification", s.CompleteNotification(ctx, n.Key, "1:activity", 37))
	got, err = s.GetNotification(ctx, n.Key)
	must(t, "GetNotification after complete", err)
	want := claimed
	want.State, want.ActivityID, want.Count, want.UpdatedAt = flowdeck.NotificationSent, "1:activity", 37, stored(now)
	checkNotification(t, got, want)

	wantKind(t, "ReleaseNotification sent", s.ReleaseNotification(ctx, n.Key), flowdeck.ErrConflict)
	if _, err := s.GetNotification(ctx, n.Key); err != nil {
		t.Fatalf("a sent notification was released: %v", err)
	}
	existing, err = s.ClaimNotification(ctx, n)
	wantKind(t, "ClaimNotification of a sent key", err, flowdeck.ErrConflict)
	checkNotification(t, existing, want)

	wantKind(t, "CompleteNotification missing", s.CompleteNotification(ctx, "missing", "x", 1), flowdeck.ErrNotFound)
	_, err = s.ClaimNotification(ctx, flowdeck.Notification{})
	wantKind(t, "ClaimNotification without key", err, flowdeck.ErrInvalid)
}

func checkNotification(t *testing.T, got, want flowdeck.Notification) {
	t.Helper()
	if got.Key != want.Key || got.SubscriptionID != want.SubscriptionID || got.TenantID != want.TenantID ||
		got.ConversationID != want.ConversationID || got.ActivityID != want.ActivityID || got.State != want.State ||
		got.Count != want.Count || !got.CreatedAt.Equal(want.CreatedAt) || !got.UpdatedAt.Equal(want.UpdatedAt) {
		t.Errorf("notification = %+v, want %+v", got, want)
	}
}

// testNotificationsConcurrent claims keys from many goroutines at once:
// exactly one claim of each key wins, and every loser sees the winner's row.
func testNotificationsConcurrent(t *testing.T, open Opener) {
	s, _ := setup(t, open)
	ctx := t.Context()
	for k := range 5 {
		key := fmt.Sprintf("sub:1:run:%d", k)
		results := make([]flowdeck.Notification, workers)
		errs := parallel(workers, func(i int) error {
			var err error
			results[i], err = s.ClaimNotification(ctx, flowdeck.Notification{Key: key, ConversationID: fmt.Sprint("conv-", i)})
			return err
		})
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil && winner >= 0:
				t.Fatalf("%s: workers %d and %d both claimed it", key, winner, i)
			case err == nil:
				winner = i
			case !errors.Is(err, flowdeck.ErrConflict):
				t.Fatalf("%s: worker %d: got %v, want ErrConflict", key, i, err)
			}
		}
		if winner < 0 {
			t.Fatalf("%s: no claim won", key)
		}
		for i, n := range results {
			if n.ConversationID != fmt.Sprint("conv-", winner) {
				t.Fatalf("%s: worker %d sees conversation %q, want the winner's conv-%d", key, i, n.ConversationID, winner)
			}
		}
	}
}
