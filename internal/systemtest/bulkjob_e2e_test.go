package systemtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// resubmittedRuns counts the resubmit requests the fake Power Platform
// answered for u since since, by run name.
func (s *stack) resubmittedRuns(u demo.User, since time.Time) map[string]int {
	out := map[string]int{}
	for _, r := range s.upstreamCalls(powerplatform.RouteRunsResubmit, u, since) {
		// …/triggers/{trigger}/histories/{run}/resubmit
		parts := strings.Split(strings.TrimSuffix(r.Path, "/resubmit"), "/")
		out[parts[len(parts)-1]]++
	}
	return out
}

// TestBulkJobExactlyOnceAcrossRestart: the user asks, through the tab API,
// to resubmit every failed run of the last 24 hours of a flow that failed
// 120 times, and the confirmation is sent twice with one key: one job. Its
// runs are found server-side, page by page. FlowDeck is closed mid-job and
// a new FlowDeck on the same database finishes it: each of the 120 runs is
// resubmitted exactly once upstream, and the job's results list each run
// by its start time and status.
func TestBulkJobExactlyOnceAcrossRestart(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { bulkJobAcrossRestart(t, "") })
	t.Run("postgres", func(t *testing.T) { bulkJobAcrossRestart(t, storetest.PostgresSchema(t)) })
}

func bulkJobAcrossRestart(t *testing.T, dbURL string) {
	s := newFaultStack(t, faultConfig(t, dbURL))
	ctx := faultCtx(t)
	u := demo.UsersOf(demo.TenantID)[0]
	s.signIn(ctx, t, u)
	pp := s.Cloud.PowerPlatform
	now := time.Now()
	starts := map[string]time.Time{}
	for i := range 120 {
		start := now.Add(-time.Duration(i+1) * 11 * time.Minute)
		name, err := pp.AddRun(faultEnv, faultFlowID(u), powerplatform.RunSpec{Start: start})
		if err != nil {
			t.Fatal(err)
		}
		starts[name] = start
	}
	// One failed run outside the window, which the job must leave alone.
	if _, err := pp.AddRun(faultEnv, faultFlowID(u), powerplatform.RunSpec{Start: now.Add(-25 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// Slow resubmits, so that the restart lands mid-job.
	pp.SetFault(powerplatform.RouteRunsResubmit, powerplatform.Fault{Latency: 30 * time.Millisecond})
	since := time.Now()

	body := fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"window":"24h"}`, uuid.NewString(), faultEnv, faultFlowID(u))
	var first, second flowdeck.BulkJob
	for i, j := range []*flowdeck.BulkJob{&first, &second} {
		a := s.tab(ctx, t, u, http.MethodPost, "/api/jobs", body)
		if a.status != http.StatusOK {
			t.Fatalf("POST /api/jobs #%d = %d %s", i+1, a.status, a.body)
		}
		if err := json.Unmarshal([]byte(a.body), j); err != nil {
			t.Fatal(err)
		}
	}
	if first.ID == "" || second.ID != first.ID {
		t.Fatalf("the same confirmation twice made jobs %q and %q, want one", first.ID, second.ID)
	}
	// The waits read the store (polling the tab API would meet its rate limit).
	job := func() flowdeck.BulkJob {
		j, err := s.Main.Parts().Store.GetBulkJob(ctx, u.TenantID, u.ID, first.ID)
		if err != nil {
			t.Fatalf("read the job: %v", err)
		}
		return j
	}
	waitUntil(ctx, t, "the job is under way", func() bool { j := job(); return j.Total == 120 && j.Done >= 12 })

	old := s.Main
	if err := old.Close(); err != nil {
		t.Fatalf("close FlowDeck mid-job: %v", err)
	}
	s.Main = s.startReplica(t)
	atRestart := len(s.resubmittedRuns(u, since))
	if atRestart == 0 || atRestart >= 120 {
		t.Fatalf("%d runs were resubmitted when FlowDeck closed, want the job half way", atRestart)
	}
	waitUntil(ctx, t, "the new FlowDeck finishes the job", func() bool { return job().State == flowdeck.JobDone })

	var v ops.JobView
	a := s.tab(ctx, t, u, http.MethodGet, "/api/jobs/"+first.ID, "")
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatal(err)
	}
	if j := v.Job; j.Total != 120 || j.OK != 120 || j.Failed != 0 || j.Unknown != 0 || j.Capped {
		t.Fatalf("job = %+v, want 120 runs resubmitted", j)
	}
	counts := s.resubmittedRuns(u, since)
	if len(counts) != 120 {
		t.Errorf("%d runs were resubmitted, want the 120 of the window", len(counts))
	}
	for name, n := range counts {
		if n != 1 {
			t.Errorf("run %s was resubmitted %d times, want once", name, n)
		}
		if _, ok := starts[name]; !ok {
			t.Errorf("run %s, outside the job, was resubmitted", name)
		}
	}
	for i, it := range v.Items {
		if it.State != flowdeck.ItemOK || it.Status != flowdeck.RunFailed || !it.Start.Equal(starts[it.RunID].UTC().Truncate(time.Microsecond)) {
			t.Fatalf("item %d = %+v, want ok, with the run's start time and status", i, it)
		}
		if i > 0 && it.Start.After(v.Items[i-1].Start) {
			t.Fatalf("items are not newest first at %d", i)
		}
	}
	var list struct{ Jobs []flowdeck.BulkJob }
	a = s.tab(ctx, t, u, http.MethodGet, "/api/jobs", "")
	if err := json.Unmarshal([]byte(a.body), &list); err != nil || len(list.Jobs) != 1 || list.Jobs[0].ID != first.ID {
		t.Fatalf("GET /api/jobs = %.300s, want the one job", a.body)
	}
}
