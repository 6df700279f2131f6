package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

func TestTabRuns(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var d ops.Dashboard
	tc.json(t, http.MethodGet, "/api/dashboard", "", http.StatusOK, &d)
	f := d.Failing[0]
	base := "/api/flows/" + f.Flow.EnvironmentID + "/" + f.Flow.ID + "/runs"

	var detail ops.RunDetail
	resp := tc.json(t, http.MethodGet, base+"/"+f.Latest.ID, "", http.StatusOK, &detail)
	wantCache(t, resp, cacheNever)
	if detail.Run.ID != f.Latest.ID || detail.Failed == nil || detail.Failed.ErrorMessage == "" || len(detail.Actions) == 0 {
		t.Fatalf("failed run detail: %+v", detail)
	}

	var failed flowdeck.RunPage
	tc.json(t, http.MethodGet, base+"?status=Failed&top=5", "", http.StatusOK, &failed)
	if len(failed.Runs) == 0 || len(failed.Runs) > 5 {
		t.Fatalf("%d failed runs, want 1 to 5", len(failed.Runs))
	}
	for _, r := range failed.Runs {
		if r.Status != flowdeck.RunFailed {
			t.Errorf("status=Failed listed a %s run", r.Status)
		}
	}

	var before flowdeck.RunPage
	tc.json(t, http.MethodGet, base+"?top=50", "", http.StatusOK, &before)
	var finished []string
	for _, r := range before.Runs {
		if r.Finished() && len(finished) < 2 {
			finished = append(finished, r.ID)
		}
	}
	if len(finished) != 2 || before.Next != "" {
		t.Fatalf("want two finished runs on one page: %d runs, next %q", len(before.Runs), before.Next)
	}
	calls := tc.cloud.PP.Calls(powerplatform.RouteRunsResubmit)
	body, _ := json.Marshal(bulkRequest{RunIDs: finished})
	var res bulkResponse
	tc.json(t, http.MethodPost, base+"/resubmit", string(body), http.StatusOK, &res)
	if len(res.Results) != 2 {
		t.Fatalf("%d results, want 2", len(res.Results))
	}
	for _, r := range res.Results {
		if !r.OK {
			t.Errorf("resubmit %s: %s %s", r.RunID, r.Code, r.Message)
		}
	}
	if got := tc.cloud.PP.Calls(powerplatform.RouteRunsResubmit) - calls; got != 2 {
		t.Errorf("%d resubmits reached the fake, want 2", got)
	}
	var after flowdeck.RunPage
	tc.json(t, http.MethodGet, base+"?top=50", "", http.StatusOK, &after)
	if len(after.Runs) != len(before.Runs)+2 {
		t.Errorf("%d runs after resubmitting 2 of %d", len(after.Runs), len(before.Runs))
	}

	// Cancelling a finished run is a per-run conflict, not a request failure.
	tc.json(t, http.MethodPost, base+"/cancel", `{"runIds":["`+finished[0]+`"]}`, http.StatusOK, &res)
	if len(res.Results) != 1 || res.Results[0].OK || res.Results[0].Code != "conflict" || res.Results[0].Message == "" {
		t.Errorf("cancel a finished run: %+v", res.Results)
	}
}
