package server

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// FuzzJobRequest decodes an arbitrary body the way POST /api/jobs does:
// whatever comes in, an accepted request has a guid key, a known kind, ids
// of the right shapes, either a known window (resubmit only) or 1 to
// ops.MaxJobRuns distinct runs with a start time and a known status; a
// refusal is an "invalid" error with a sentence.
func FuzzJobRequest(f *testing.F) {
	const env, flow, key = "Default-0b8e6c4e-4f0e-4a39-9b8a-0c1d2e3f4a5b", "1b8e6c4e-4f0e-4a39-9b8a-0c1d2e3f4a5b", "2b8e6c4e-4f0e-4a39-9b8a-0c1d2e3f4a5b"
	for _, seed := range []string{
		`{"key":"` + key + `","kind":"resubmit","environmentId":"` + env + `","flowId":"` + flow + `","window":"24h"}`,
		`{"key":"` + key + `","kind":"cancel","environmentId":"` + env + `","flowId":"` + flow + `","runs":[{"id":"08585000000000000001","start":"2026-03-04T05:06:07Z","status":"Running"}]}`,
		`{"key":"` + key + `","kind":"cancel","environmentId":"` + env + `","flowId":"` + flow + `","window":"24h"}`,
		`{"key":"` + key + `","kind":"resubmit","environmentId":"` + env + `","flowId":"` + flow + `","runs":[{"id":"A","start":"x","status":"Failed"}]}`,
		`{"key":"` + key + `","kind":"resubmit","environmentId":"` + env + `","flowId":"` + flow + `","runs":[],"window":""}`,
		`{"key":"k"}`, `{"runs":null}`, `[]`, `{"kind":1}`, "\xff{",
	} {
		f.Add(seed)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/api/jobs", strings.NewReader(body))
		req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
		r, err := decodeJobRequest(e.NewContext(req, httptest.NewRecorder()))
		if err != nil {
			if !errors.Is(err, flowdeck.ErrInvalid) {
				t.Errorf("refusal %v is not an invalid-input error", err)
			}
			if msg := flowdeck.Message(err); msg == "" || !strings.HasSuffix(msg, ".") {
				t.Errorf("refusal message %q is not a sentence", msg)
			}
			return
		}
		if !guidRE.MatchString(r.Key) || !envRE.MatchString(r.Env) || !guidRE.MatchString(r.FlowID) {
			t.Errorf("accepted key %q, environment %q, flow %q", r.Key, r.Env, r.FlowID)
		}
		if r.Kind != flowdeck.BulkResubmit && r.Kind != flowdeck.BulkCancel {
			t.Errorf("accepted kind %q", r.Kind)
		}
		if r.Window != "" {
			if _, ok := ops.JobWindows[r.Window]; !ok || len(r.Runs) > 0 || r.Kind != flowdeck.BulkResubmit {
				t.Errorf("accepted window %q with %d runs, kind %s", r.Window, len(r.Runs), r.Kind)
			}
			return
		}
		if len(r.Runs) == 0 || len(r.Runs) > ops.MaxJobRuns {
			t.Errorf("accepted %d runs", len(r.Runs))
		}
		seen := map[string]bool{}
		for _, run := range r.Runs {
			if !runRE.MatchString(run.ID) || seen[run.ID] || run.Start.IsZero() {
				t.Errorf("accepted run %+v", run)
			}
			seen[run.ID] = true
		}
	})
}
