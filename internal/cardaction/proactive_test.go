package cardaction_test

import (
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// lastUpdate returns the raw body of the latest in-place update of activityID.
func lastUpdate(recs []connector.Record, activityID string) string {
	body := ""
	for _, r := range recs {
		if r.Op == connector.OpUpdate && r.ActivityID == activityID {
			body = string(r.Raw)
		}
	}
	return body
}

// TestUpdateAlertMovesTheCardToTheNewerRun: the monitor updates an alert in
// place when the flow fails again; the card then shows the count and acts on
// the newer run, and a recovery turns it into the "recovered" card.
func TestUpdateAlertMovesTheCardToTheNewerRun(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	conv := f.personal(adele)
	now := time.Now()
	al, id := f.alertOn(t, 0, powerplatform.RunFailed, now.Add(-time.Minute))

	second, err := f.cloud.PP.AddRun(al.Flow.EnvironmentID, al.Flow.ID, powerplatform.RunSpec{Start: now})
	check(t, err)
	rd, err := f.ops.Run(cloudtest.As(adele), al.Flow.EnvironmentID, al.Flow.ID, second)
	check(t, err)
	next := al
	next.Run, next.Count, next.Since = rd.Run, 2, al.Run.StartTime
	check(t, f.h.UpdateAlert(t.Context(), conv, id, next, time.Time{}))
	if body := lastUpdate(f.bf.Records(conv.ConversationID), id); !strings.Contains(body, "Failed 2 times since") {
		t.Fatalf("the updated card does not count both failures:\n%s", body)
	}
	// Its buttons name the newer run, and are accepted.
	wantCard(t, f.act(t, adele, id, cards.VerbAlertResubmit, runData(next, false), true), "Resubmitted by")
	if n := f.cloud.PP.Calls(powerplatform.RouteRunsResubmit); n != 1 {
		t.Fatalf("%d resubmit calls, want 1", n)
	}

	check(t, f.h.UpdateAlert(t.Context(), conv, id, next, now.Add(time.Minute)))
	if body := lastUpdate(f.bf.Records(conv.ConversationID), id); !strings.Contains(body, "Flow recovered") || !strings.Contains(body, "after 2 failures") {
		t.Fatalf("the recovered card is wrong:\n%s", body)
	}

	if err := f.h.UpdateAlert(t.Context(), conv, "", next, time.Time{}); err == nil {
		t.Fatal("UpdateAlert without an activity id succeeded")
	}
}

func TestSendPostsACard(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	conv := f.personal(adele)
	id, err := f.h.Send(t.Context(), conv, cards.SignInAgainCard("Your sign-in expired."))
	check(t, err)
	recs := f.bf.Records(conv.ConversationID)
	if len(recs) != 1 || recs[0].ActivityID != id || !strings.Contains(string(recs[0].Raw), "Your sign-in expired.") {
		t.Fatalf("records = %+v, want the sign-in card as %s", recs, id)
	}
	conv.ServiceURL = ""
	if _, err := f.h.Send(t.Context(), conv, cards.SignInAgainCard("x")); err == nil {
		t.Fatal("Send without a service URL succeeded")
	}
}
