package cardaction_test

import (
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// alertOn adds a run with status to one of Adele's started flows (the i-th)
// and posts its alert card to her chat. It returns the alert and the card's id.
func (f *fixture) alertOn(t *testing.T, i int, status string, start time.Time) (cards.Alert, string) {
	t.Helper()
	ctx := cloudtest.As(cloudtest.Adele())
	list, err := f.ops.Flows(ctx, ops.FlowQuery{State: flowdeck.FlowStarted, Owner: cloudtest.Adele().ID, Limit: 20})
	check(t, err)
	if len(list.Items) <= i {
		t.Fatalf("only %d started flows", len(list.Items))
	}
	fl := list.Items[i].Flow
	runID, err := f.cloud.PP.AddRun(fl.EnvironmentID, fl.ID, powerplatform.RunSpec{Status: status, Start: start})
	check(t, err)
	rd, err := f.ops.Run(ctx, fl.EnvironmentID, fl.ID, runID)
	check(t, err)
	al := cards.Alert{Flow: fl, Run: rd.Run, Count: 1}
	if rd.Failed != nil {
		al.FailedAction = *rd.Failed
	}
	id, err := f.h.PostAlert(t.Context(), f.personal(cloudtest.Adele()), al)
	check(t, err)
	return al, id
}

func runData(al cards.Alert, confirm bool) map[string]any {
	d := map[string]any{"environmentId": al.Flow.EnvironmentID, "flowId": al.Flow.ID, "runId": al.Run.ID}
	if confirm {
		d["confirm"] = true
	}
	return d
}

func TestAlertActions(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	conv := f.drv.ConversationID(adele)
	now := time.Now()

	t.Run("resubmit the latest run", func(t *testing.T) {
		al, id := f.alertOn(t, 0, powerplatform.RunFailed, now.Add(time.Minute)) // the latest run
		ans := f.act(t, adele, id, cards.VerbAlertResubmit, runData(al, false), true)
		wantCard(t, ans, "Resubmitted by", "new run started")
		if n := f.cloud.PP.Calls(powerplatform.RouteRunsResubmit); n != 1 {
			t.Errorf("%d resubmit calls, want 1", n)
		}
		page, err := f.ops.Runs(cloudtest.As(adele), al.Flow.EnvironmentID, al.Flow.ID, flowdeck.RunFilter{Top: 10}, "")
		check(t, err)
		found := false
		for _, r := range page.Runs {
			nr, err := f.cloud.PP.Run(al.Flow.EnvironmentID, al.Flow.ID, r.ID)
			check(t, err)
			if nr.Resubmitted == al.Run.ID {
				found = true
				if !strings.Contains(ans.text(), r.ID) {
					t.Errorf("the card does not link the new run %s", r.ID)
				}
			}
		}
		if !found {
			t.Error("no resubmitted run at the fake")
		}
		if updates(f.waitUpdates(t, conv, id, 1), id) != 1 {
			t.Error("the alert card was not updated in place once")
		}
		// A double click does not resubmit again.
		wantCard(t, f.act(t, adele, id, cards.VerbAlertResubmit, runData(al, false), false), "Resubmitted by")
		if n := f.cloud.PP.Calls(powerplatform.RouteRunsResubmit); n != 1 {
			t.Errorf("after a double click: %d resubmit calls", n)
		}
	})

	t.Run("resubmit an older run asks first", func(t *testing.T) {
		al, id := f.alertOn(t, 1, powerplatform.RunFailed, now.Add(-time.Hour))
		_, err := f.cloud.PP.AddRun(al.Flow.EnvironmentID, al.Flow.ID, powerplatform.RunSpec{Status: powerplatform.RunSucceeded})
		check(t, err)
		before := f.cloud.PP.Calls(powerplatform.RouteRunsResubmit)
		wantCard(t, f.act(t, adele, id, cards.VerbAlertResubmit, runData(al, false), true), "not the latest run", "Resubmit anyway")
		if f.cloud.PP.Calls(powerplatform.RouteRunsResubmit) != before {
			t.Error("resubmitted before the confirmation")
		}
		wantCard(t, f.act(t, adele, id, cards.VerbAlertResubmit, runData(al, true), true), "Resubmitted by")
		if f.cloud.PP.Calls(powerplatform.RouteRunsResubmit) != before+1 {
			t.Error("the confirmation did not resubmit")
		}
	})

	t.Run("cancel a finished run", func(t *testing.T) {
		al, id := f.alertOn(t, 2, powerplatform.RunFailed, now)
		ans := f.act(t, adele, id, cards.VerbAlertCancel, runData(al, false), true)
		wantCard(t, ans, "could not cancel the run", "already finished")
		if n := f.cloud.PP.Calls(powerplatform.RouteRunsCancel); n != 0 {
			t.Errorf("%d cancel calls for a finished run", n)
		}
	})

	t.Run("cancel a running run", func(t *testing.T) {
		al, id := f.alertOn(t, 2, powerplatform.RunRunning, now)
		wantCard(t, f.act(t, adele, id, cards.VerbAlertCancel, runData(al, false), true), "Run cancelled by")
		r, err := f.cloud.PP.Run(al.Flow.EnvironmentID, al.Flow.ID, al.Run.ID)
		check(t, err)
		if r.Status != powerplatform.RunCancelled {
			t.Errorf("run status %s, want cancelled", r.Status)
		}
	})

	t.Run("turn off confirms first", func(t *testing.T) {
		al, id := f.alertOn(t, 3, powerplatform.RunFailed, now)
		wantCard(t, f.act(t, adele, id, cards.VerbAlertTurnOff, runData(al, false), true), "It stops running")
		if st, _, _ := f.cloud.PP.FlowState(al.Flow.EnvironmentID, al.Flow.ID); st != powerplatform.StateStarted {
			t.Fatalf("turned off before the confirmation: %s", st)
		}
		wantCard(t, f.act(t, adele, id, cards.VerbAlertTurnOff, runData(al, true), false), "Turned off by")
		if st, _, _ := f.cloud.PP.FlowState(al.Flow.EnvironmentID, al.Flow.ID); st != powerplatform.StateStopped {
			t.Errorf("flow state %s, want stopped", st)
		}
	})

	t.Run("mute for 24 hours", func(t *testing.T) {
		al, id := f.alertOn(t, 4, powerplatform.RunFailed, now)
		ans := f.act(t, adele, id, cards.VerbAlertMute, runData(al, false), true)
		wantCard(t, ans, "Muted for 24 hours by")
		subs, err := f.store.ListSubscriptions(t.Context(), flowdeck.SubscriptionFilter{TenantID: adele.TenantID, UserID: adele.ID})
		check(t, err)
		if len(subs) != 1 || subs[0].FlowID != al.Flow.ID || !within(subs[0].MutedUntil, time.Now(), 24*time.Hour) {
			t.Fatalf("subscriptions = %+v", subs)
		}
		// Muting again moves the same subscription's mute.
		wantCard(t, f.act(t, adele, id, cards.VerbAlertMute, runData(al, false), false), "Muted for 24 hours by")
		if subs, _ := f.store.ListSubscriptions(t.Context(), flowdeck.SubscriptionFilter{UserID: adele.ID}); len(subs) != 1 {
			t.Errorf("%d subscriptions after muting twice", len(subs))
		}
	})

	t.Run("a missing permission names it", func(t *testing.T) {
		al, id := f.alertOn(t, 5, powerplatform.RunFailed, now)
		f.cloud.PP.SetFault(powerplatform.RouteRunsResubmit, powerplatform.Fault{Status: 403, Times: 1, Code: "Forbidden",
			Message: "The caller does not have the required scope 'Flows.Manage.All'."})
		ans := f.act(t, adele, id, cards.VerbAlertResubmit, runData(al, true), true)
		wantCard(t, ans, "could not resubmit the run", "Flows.Manage.All", "admin")
		if updates(f.bf.Records(conv), id) != 0 {
			t.Error("a failure was written to everyone's card")
		}
	})
}
