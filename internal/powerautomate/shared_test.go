package powerautomate_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
)

// TestFailuresSharedAndStreamed: queries of one user at once share one pass
// (one runs call per flow, whoever asks), each gets every flow's failures as
// they arrive, a narrower window gets only its own, and a caller that goes
// away does not cancel the pass the others wait on.
func TestFailuresSharedAndStreamed(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	// Hold the runs answers until both callers are in, so they do overlap.
	fx.pp.SetFault(powerplatform.RouteRunsList, powerplatform.Fault{Latency: 50 * time.Millisecond})
	since := time.Now().Add(-7 * 24 * time.Hour)
	// One pass alone, for its number of runs calls.
	if _, err := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{FailedActions: -1}).Failures(fx.ctx, since); err != nil {
		t.Fatal(err)
	}
	onePass := fx.pp.Calls(powerplatform.RouteRunsList)
	fx.pp.ResetRequests()
	ov := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{FailedActions: -1})
	gone, leave := context.WithCancel(fx.ctx)
	leave() // this caller is gone before the answer
	if _, err := ov.FailuresEach(gone, since, nil); err == nil {
		t.Fatal("a cancelled caller got an answer")
	}
	var (
		wg      sync.WaitGroup
		streams [2]int
		reps    [2]powerautomate.FailureReport
		errs    [2]error
	)
	for i, s := range []time.Time{since, time.Now().Add(-24 * time.Hour)} {
		wg.Go(func() {
			reps[i], errs[i] = ov.FailuresEach(fx.ctx, s, func(ff powerautomate.FlowFailures) {
				if ff.Latest.StartTime.Before(s) {
					t.Errorf("streamed a failure from before the window: %v", ff.Latest.StartTime)
				}
				streams[i]++
			})
		})
	}
	wg.Wait()
	for i := range reps {
		if errs[i] != nil || len(reps[i].Flows) == 0 || streams[i] != len(reps[i].Flows) {
			t.Fatalf("caller %d: %d flows, %d streamed, %v", i, len(reps[i].Flows), streams[i], errs[i])
		}
	}
	if len(reps[1].Flows) > len(reps[0].Flows) {
		t.Fatalf("24 h window has %d flows, 7 days %d", len(reps[1].Flows), len(reps[0].Flows))
	}
	if n := fx.pp.Calls(powerplatform.RouteRunsList); n != onePass {
		t.Fatalf("%d runs calls for three callers, one pass makes %d: they did not share it", n, onePass)
	}
}
