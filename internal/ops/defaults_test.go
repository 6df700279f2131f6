package ops_test

import (
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// TestWatchByDefault: the first call makes the default subscription (mine,
// Auto), the next ones nothing; once the user has unwatched everything the
// default does not come back; a user who chose first gets none; the choices
// switch the default to approvals only, pause it for a week, and back.
func TestWatchByDefault(t *testing.T) {
	s, _ := setup(t)
	ctx := cloudtest.As(cloudtest.Adele())
	sub, created, err := s.WatchByDefault(ctx)
	if err != nil || !created || sub.Target != flowdeck.WatchMine || !sub.Auto {
		t.Fatalf("first WatchByDefault = %+v, %v, %v; want the default made", sub, created, err)
	}
	if _, created, err := s.WatchByDefault(ctx); err != nil || created {
		t.Fatalf("second WatchByDefault made one again (%v, %v)", created, err)
	}
	got, err := s.ChooseDefault(ctx, ops.DefaultApprovalsOnly)
	if err != nil || got.Target != flowdeck.WatchApprovals || !got.Auto {
		t.Fatalf("approvals only = %+v, %v", got, err)
	}
	got, err = s.ChooseDefault(ctx, ops.DefaultPause)
	if err != nil || got.Target != flowdeck.WatchMine || !got.MutedUntil.After(got.Watermark) {
		t.Fatalf("pause = %+v, %v", got, err)
	}
	if got, err = s.ChooseDefault(ctx, ops.DefaultMine); err != nil || !got.MutedUntil.IsZero() {
		t.Fatalf("back to the default = %+v, %v", got, err)
	}
	if _, err := s.ChooseDefault(ctx, "everything"); flowdeck.KindOf(err) != flowdeck.ErrInvalid {
		t.Errorf("an unknown choice: %v", err)
	}
	if subs, _ := s.Watches(ctx); len(subs) != 1 {
		t.Fatalf("after the choices the user has %d subscriptions, want 1", len(subs))
	}
	if _, err := s.UnwatchAll(ctx); err != nil {
		t.Fatal(err)
	}
	if _, created, err := s.WatchByDefault(ctx); err != nil || created {
		t.Errorf("after unwatch all, WatchByDefault made the default again (%v, %v)", created, err)
	}

	megan := cloudtest.As(demo.Users()[1])
	if _, err := s.Watch(megan, flowdeck.Subscription{Target: flowdeck.WatchAll}); err != nil {
		t.Fatal(err)
	}
	if _, created, err := s.WatchByDefault(megan); err != nil || created {
		t.Errorf("a user who chose got the default too (%v, %v)", created, err)
	}
}
