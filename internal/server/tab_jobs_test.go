package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// jobBody is a POST /api/jobs body for runs of flow f.
func jobBody(key, env, flow string, runs []flowdeck.Run) string {
	req := ops.JobRequest{Key: key, Kind: flowdeck.BulkResubmit, Env: env, FlowID: flow}
	for _, r := range runs {
		req.Runs = append(req.Runs, ops.JobRun{ID: r.ID, Start: r.StartTime, Status: r.Status})
	}
	b, _ := json.Marshal(req)
	return string(b)
}

// TestTabJobs: a job is made once per key, lists and reads back with each
// run's start time and status, and only its owner sees it. The worker is not
// running here (internal/bulkjob and the system test run jobs).
func TestTabJobs(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var d ops.Dashboard
	tc.json(t, http.MethodGet, "/api/dashboard", "", http.StatusOK, &d)
	f := d.Failing[0].Flow
	var page flowdeck.RunPage
	tc.json(t, http.MethodGet, "/api/flows/"+f.EnvironmentID+"/"+f.ID+"/runs?status=Failed&top=50", "", http.StatusOK, &page)
	if len(page.Runs) == 0 {
		t.Fatal("the failing flow lists no failed run")
	}
	key := uuid.NewString()
	body := jobBody(key, f.EnvironmentID, f.ID, page.Runs)
	var j, again flowdeck.BulkJob
	tc.json(t, http.MethodPost, "/api/jobs", body, http.StatusOK, &j)
	tc.json(t, http.MethodPost, "/api/jobs", body, http.StatusOK, &again)
	if j.ID == "" || again.ID != j.ID || j.Total != len(page.Runs) || j.State != flowdeck.JobRunning || j.FlowName != f.DisplayName {
		t.Fatalf("job %+v, again %+v; want one running job of %d runs of %q", j, again, len(page.Runs), f.DisplayName)
	}
	var list jobList
	tc.json(t, http.MethodGet, "/api/jobs", "", http.StatusOK, &list)
	if len(list.Jobs) != 1 || list.Jobs[0].ID != j.ID {
		t.Fatalf("GET /api/jobs = %+v, want the one job", list)
	}
	var v ops.JobView
	resp := tc.json(t, http.MethodGet, "/api/jobs/"+j.ID, "", http.StatusOK, &v)
	wantCache(t, resp, cacheNever)
	if len(v.Items) != len(page.Runs) || !v.Items[0].Start.Equal(page.Runs[0].StartTime.Truncate(time.Microsecond)) || v.Items[0].Status != flowdeck.RunFailed {
		t.Fatalf("job view items %+v, want the runs with their start and status", v.Items)
	}
	// Nothing failed yet: there is nothing to retry.
	tc.json(t, http.MethodPost, "/api/jobs/"+j.ID+"/retry", `{"key":"`+uuid.NewString()+`"}`, http.StatusBadRequest, nil)

	// Another user of the tenant sees neither the job nor its list.
	var other demo.User
	for _, u := range demo.UsersOf(demo.TenantID) {
		if u.ID != demo.Users()[0].ID {
			other = u
			break
		}
	}
	tok, err := tc.cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: demo.TenantID, UserID: other.ID})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Authorization": {"Bearer " + tok}}
	if r, b := do(t, http.MethodGet, tc.url+"/api/jobs/"+j.ID, nil, h); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another user's GET of the job = %d %s, want 404", r.StatusCode, b)
	}
	h.Set("Content-Type", "application/json")
	if r, b := do(t, http.MethodPost, tc.url+"/api/jobs/"+j.ID+"/retry", strings.NewReader(`{"key":"`+uuid.NewString()+`"}`), h); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another user's retry of the job = %d %s, want 404", r.StatusCode, b)
	}
	if r, b := do(t, http.MethodGet, tc.url+"/api/jobs", nil, h); r.StatusCode != http.StatusOK || strings.Contains(string(b), j.ID) {
		t.Fatalf("another user's GET /api/jobs = %d %s, want 200 without the job", r.StatusCode, b)
	}

	// Every failed run of a window: a job that resolves its runs server-side.
	var w flowdeck.BulkJob
	tc.json(t, http.MethodPost, "/api/jobs", fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"window":"24h"}`,
		uuid.NewString(), f.EnvironmentID, f.ID), http.StatusOK, &w)
	if w.Scope != flowdeck.ScopeFailed || w.State != flowdeck.JobResolving || w.Until.Sub(w.Since).Hours() != 24 {
		t.Fatalf("window job = %+v, want a resolving job of 24 hours", w)
	}
}

// TestTabJobsBadInput: every malformed job request is 400 with a sentence,
// makes no job and sends nothing upstream.
func TestTabJobsBadInput(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	env, flow := "Default-"+demo.TenantID, uuid.NewString()
	key := uuid.NewString()
	run := `{"id":"08585000000000000001","start":"2026-03-04T05:06:07Z","status":"Failed"}`
	many := make([]string, ops.MaxJobRuns+1)
	for i := range many {
		many[i] = fmt.Sprintf(`{"id":"RUN%012d","start":"2026-03-04T05:06:07Z","status":"Failed"}`, i)
	}
	bodies := map[string]string{
		"not json":          `runs`,
		"unknown field":     fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"window":"24h","all":true}`, key, env, flow),
		"key not a guid":    fmt.Sprintf(`{"key":"k","kind":"resubmit","environmentId":%q,"flowId":%q,"window":"24h"}`, env, flow),
		"unknown kind":      fmt.Sprintf(`{"key":%q,"kind":"delete","environmentId":%q,"flowId":%q,"window":"24h"}`, key, env, flow),
		"bad environment":   fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":"../x","flowId":%q,"window":"24h"}`, key, flow),
		"bad flow":          fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":"x","window":"24h"}`, key, env),
		"neither":           fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q}`, key, env, flow),
		"both":              fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"window":"24h","runs":[%s]}`, key, env, flow, run),
		"unknown window":    fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"window":"1y"}`, key, env, flow),
		"cancel failed":     fmt.Sprintf(`{"key":%q,"kind":"cancel","environmentId":%q,"flowId":%q,"window":"24h"}`, key, env, flow),
		"bad run id":        fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"runs":[{"id":"../x","start":"2026-03-04T05:06:07Z","status":"Failed"}]}`, key, env, flow),
		"run twice":         fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"runs":[%s,%s]}`, key, env, flow, run, run),
		"run without start": fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"runs":[{"id":"08585000000000000001","status":"Failed"}]}`, key, env, flow),
		"bad status":        fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"runs":[{"id":"08585000000000000001","start":"2026-03-04T05:06:07Z","status":"Odd"}]}`, key, env, flow),
		"too many runs":     fmt.Sprintf(`{"key":%q,"kind":"resubmit","environmentId":%q,"flowId":%q,"runs":[%s]}`, key, env, flow, strings.Join(many, ",")),
	}
	before := len(tc.cloud.PP.Requests())
	for name, body := range bodies {
		resp, b := tc.call(t, http.MethodPost, "/api/jobs", body)
		var e struct{ Code, Message string }
		if resp.StatusCode != http.StatusBadRequest || json.Unmarshal(b, &e) != nil || e.Code != "invalid" || !strings.HasSuffix(e.Message, ".") {
			t.Errorf("%s: %d %s, want 400 invalid with a sentence", name, resp.StatusCode, b)
		}
	}
	for _, path := range []string{"/api/jobs/not-a-guid", "/api/jobs/" + uuid.NewString() + "x"} {
		if resp, b := tc.call(t, http.MethodGet, path, ""); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("GET %s = %d %s, want 400", path, resp.StatusCode, b)
		}
	}
	if resp, b := tc.call(t, http.MethodPost, "/api/jobs/"+uuid.NewString()+"/retry", `{"key":"no"}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("retry with a bad key = %d %s, want 400", resp.StatusCode, b)
	}
	if resp, b := tc.call(t, http.MethodGet, "/api/jobs/"+uuid.NewString(), ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET of a missing job = %d %s, want 404", resp.StatusCode, b)
	}
	if after := len(tc.cloud.PP.Requests()); after != before {
		t.Errorf("bad job requests sent %d requests upstream, want none", after-before)
	}
	var list jobList
	tc.json(t, http.MethodGet, "/api/jobs", "", http.StatusOK, &list)
	if len(list.Jobs) != 0 {
		t.Errorf("bad job requests made %d jobs", len(list.Jobs))
	}
}
