package monitor_test

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// TestDefaultSubscriptionCoversOwnedFlows: the default subscription of a
// first sign-in (ops.WatchByDefault) alerts on a new failure of a flow the
// user owns, and not on one of a flow they only see (shared with them);
// switched to approvals only, it alerts on nothing.
func TestDefaultSubscriptionCoversOwnedFlows(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	_, created, err := f.one().ops.WatchByDefault(as(adele))
	if err != nil || !created {
		t.Fatalf("WatchByDefault = %v, %v", created, err)
	}
	owned := f.startedFlows(t, adele)[0]
	list, err := f.one().ops.Flows(as(adele), ops.FlowQuery{State: flowdeck.FlowStarted, Limit: 200})
	check(t, err)
	var shared flowdeck.Flow
	for _, it := range list.Items {
		if it.OwnerID != adele.ID {
			shared = it.Flow
			break
		}
	}
	if shared.ID == "" {
		t.Fatal("the demo tenant shares no started flow with Adele")
	}
	chat := f.personal(adele).ConversationID

	mine, theirs := f.fail(t, owned, 0), f.fail(t, shared, 0)
	f.tick(t, 5*time.Minute)
	s := f.sentTo(chat)
	if len(containing(s.posts, "Flow run failed", mine)) != 1 {
		t.Errorf("no alert for the failure of %q, a flow Adele owns (%d posts)", owned.DisplayName, len(s.posts))
	}
	if n := len(containing(s.posts, theirs)); n != 0 {
		t.Errorf("%d alerts for %q, a flow Adele does not own", n, shared.DisplayName)
	}

	if _, err := f.one().ops.ChooseDefault(as(adele), ops.DefaultApprovalsOnly); err != nil {
		t.Fatal(err)
	}
	posts := len(f.sentTo(chat).posts)
	f.fail(t, f.startedFlows(t, adele)[len(f.startedFlows(t, adele))-1], 0)
	f.tick(t, 5*time.Minute)
	if got := len(f.sentTo(chat).posts); got != posts {
		t.Errorf("approvals only: %d new posts after a failure, want none", got-posts)
	}
	// Back to the default, the next failure is told: the cycles did run.
	if _, err := f.one().ops.ChooseDefault(as(adele), ops.DefaultMine); err != nil {
		t.Fatal(err)
	}
	f.tick(t, time.Minute)
	again := f.fail(t, f.startedFlows(t, adele)[1], 0) // another flow: owned's card is still open
	f.tick(t, 5*time.Minute)
	if len(containing(f.sentTo(chat).posts, again)) != 1 {
		t.Errorf("back to the default: no alert for the new failure %s", again)
	}
}
