package cardaction_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/flowdeck/flowdeck/internal/cardaction"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// TestUpdatesAfterCloseAreDroppedAndCounted: once the router is closed
// (shutting down), an action still answers its invoker and goes upstream,
// but the in-place updates of the card are dropped, counted, and never sent.
func TestUpdatesAfterCloseAreDroppedAndCounted(t *testing.T) {
	m, err := cardaction.NewMetrics(prometheus.NewRegistry())
	check(t, err)
	f := newFixture(t, fixtureOptions{metrics: m})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	a, other := f.otherApprover(t, f.pending(t))
	mine, err := f.h.PostApproval(t.Context(), f.personal(adele), a, nil)
	check(t, err)
	theirs, err := f.h.PostApproval(t.Context(), f.personal(other), a, nil)
	check(t, err)
	check(t, f.h.Close(t.Context()))

	wantCard(t, f.act(t, adele, mine, cards.VerbApprovalRespond, approvalData(a, a.Options[0], ""), true), "You answered")
	if n := f.cloud.PP.Calls(powerplatform.RouteApprovalsRespond); n != 1 {
		t.Errorf("%d respond calls, want 1", n)
	}
	if got := testutil.ToFloat64(m.Updates.WithLabelValues("dropped")); got != 2 {
		t.Errorf("dropped updates = %v, want 2 (one per conversation)", got)
	}
	if got := testutil.ToFloat64(m.Updates.WithLabelValues("ok")); got != 0 {
		t.Errorf("ok updates = %v, want 0", got)
	}
	for _, c := range []struct{ conv, id string }{{f.drv.ConversationID(adele), mine}, {f.drv.ConversationID(other), theirs}} {
		if n := updates(f.bf.Records(c.conv), c.id); n != 0 {
			t.Errorf("conversation %s: %d updates after Close", c.conv, n)
		}
	}
}
