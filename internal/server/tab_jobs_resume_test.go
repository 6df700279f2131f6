package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// TestTabJobResume: POST /api/jobs/:id/resume moves the user's paused job
// back to running; a malformed id is 400, a missing job and another user's
// job 404, a job that is not paused 409 with a sentence, and none of them
// sends anything upstream. The worker is not running here.
func TestTabJobResume(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var d ops.Dashboard
	tc.json(t, http.MethodGet, "/api/dashboard", "", http.StatusOK, &d)
	f := d.Failing[0].Flow
	var page flowdeck.RunPage
	tc.json(t, http.MethodGet, "/api/flows/"+f.EnvironmentID+"/"+f.ID+"/runs?status=Failed&top=50", "", http.StatusOK, &page)
	var j flowdeck.BulkJob
	tc.json(t, http.MethodPost, "/api/jobs", jobBody(uuid.NewString(), f.EnvironmentID, f.ID, page.Runs), http.StatusOK, &j)

	before := len(tc.cloud.PP.Requests())
	wantError := func(what string, resp *http.Response, b []byte, status int, code string) {
		t.Helper()
		var e struct{ Code, Message string }
		if resp.StatusCode != status || json.Unmarshal(b, &e) != nil || e.Code != code || !strings.HasSuffix(e.Message, ".") {
			t.Errorf("%s = %d %s, want %d %s with a sentence", what, resp.StatusCode, b, status, code)
		}
	}
	for _, path := range []string{"/api/jobs/not-a-guid/resume", "/api/jobs/" + uuid.NewString() + "x/resume"} {
		resp, b := tc.call(t, http.MethodPost, path, "")
		wantError("POST "+path, resp, b, http.StatusBadRequest, "invalid")
	}
	h := http.Header{"Authorization": {"Bearer " + tc.token}, "Content-Type": {"text/plain"}}
	resp, b := do(t, http.MethodPost, tc.url+"/api/jobs/"+j.ID+"/resume", strings.NewReader("go"), h)
	wantError("resume with a text body", resp, b, http.StatusBadRequest, "invalid")
	resp, b = tc.call(t, http.MethodPost, "/api/jobs/"+uuid.NewString()+"/resume", "")
	wantError("resume of a missing job", resp, b, http.StatusNotFound, "not_found")
	resp, b = tc.call(t, http.MethodPost, "/api/jobs/"+j.ID+"/resume", "")
	wantError("resume of a running job", resp, b, http.StatusConflict, "conflict")
	if !strings.Contains(string(b), "not paused") {
		t.Errorf("resume of a running job says %s; want that it is not paused", b)
	}

	// Paused (as the worker pauses it when Adele must sign in again).
	msg := "FlowDeck needs you to sign in again to finish this job: 2 runs are waiting. Sign in, then press Resume."
	if err := tc.store.PauseBulkJob(t.Context(), j.ID, msg); err != nil {
		t.Fatal(err)
	}
	var v ops.JobView
	tc.json(t, http.MethodGet, "/api/jobs/"+j.ID, "", http.StatusOK, &v)
	if v.Job.State != flowdeck.JobPaused || v.Job.Message != msg {
		t.Fatalf("paused job = %+v, want paused with its message", v.Job)
	}

	// Another user of the tenant cannot resume it.
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
	resp, b = do(t, http.MethodPost, tc.url+"/api/jobs/"+j.ID+"/resume", nil, http.Header{"Authorization": {"Bearer " + tok}})
	wantError("another user's resume", resp, b, http.StatusNotFound, "not_found")
	if after := len(tc.cloud.PP.Requests()); after != before {
		t.Errorf("refused resumes sent %d requests upstream, want none", after-before)
	}

	var r flowdeck.BulkJob
	resp = tc.json(t, http.MethodPost, "/api/jobs/"+j.ID+"/resume", "", http.StatusOK, &r)
	wantCache(t, resp, cacheNever)
	if r.ID != j.ID || r.State != flowdeck.JobRunning || r.Message != "" {
		t.Fatalf("resumed job = %+v, want running without the pause's message", r)
	}
	resp, b = tc.call(t, http.MethodPost, "/api/jobs/"+j.ID+"/resume", "")
	wantError("a second resume", resp, b, http.StatusConflict, "conflict")
}
