package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// TestTabContract fetches every GET route of the tab API (but /api/me, served
// only with an account service) from a running service over the local cloud and checks each answer against the type the
// tab reads it as in web/src/types.ts: every field TypeScript requires is
// there, and every field present has the declared JSON type. Keys the
// TypeScript types do not declare are listed in the log (the tab ignores them).
func TestTabContract(t *testing.T) {
	t.Parallel()
	ts := loadTS(t)
	tc := newTabCloud(t)

	// Data for the routes with ids, and a watch so the settings list one.
	var d ops.Dashboard
	tc.json(t, http.MethodGet, "/api/dashboard", "", http.StatusOK, &d)
	if len(d.Failing) == 0 {
		t.Fatal("the demo tenant has no failing flow")
	}
	ff := d.Failing[0]
	flow := "/api/flows/" + ff.Flow.EnvironmentID + "/" + ff.Flow.ID
	var appr flowdeck.ApprovalsReport
	tc.json(t, http.MethodGet, "/api/approvals", "", http.StatusOK, &appr)
	if len(appr.Approvals) == 0 {
		t.Fatal("the demo tenant has no approval for Adele")
	}
	a := appr.Approvals[0]
	tc.json(t, http.MethodPost, "/api/watches", `{"target":"all"}`, http.StatusCreated, nil)
	var job flowdeck.BulkJob
	tc.json(t, http.MethodPost, "/api/jobs", jobBody(uuid.NewString(), ff.Flow.EnvironmentID, ff.Flow.ID, []flowdeck.Run{ff.Latest}), http.StatusOK, &job)
	// A paused job (its user must sign in again), as the worker pauses it.
	var paused flowdeck.BulkJob
	tc.json(t, http.MethodPost, "/api/jobs", jobBody(uuid.NewString(), ff.Flow.EnvironmentID, ff.Flow.ID, []flowdeck.Run{ff.Latest}), http.StatusOK, &paused)
	if err := tc.store.PauseBulkJob(t.Context(), paused.ID, "FlowDeck needs you to sign in again to finish this job: 1 run is waiting. Sign in, then press Resume."); err != nil {
		t.Fatal(err)
	}

	routes := []struct{ route, path, tsType string }{
		{"/api/dashboard", "/api/dashboard", "Dashboard"},
		{"/api/dashboard", "/api/dashboard?window=7d", "Dashboard"},
		// NDJSON: every line is checked.
		{"/api/dashboard/live", "/api/dashboard/live?window=7d", "DashboardEvent"},
		{"/api/environments", "/api/environments", "EnvironmentList"},
		{"/api/flows", "/api/flows?limit=200", "FlowList"},
		{"/api/flows", "/api/flows?failing=true&window=7d&sort=failures", "FlowList"},
		// After the 7-day dashboard above: its snapshot answers, with asOf and fromSnapshot.
		{"/api/flows", "/api/flows?failing=true&window=7d&snapshot=true", "FlowList"},
		{"/api/flows", "/api/flows?failing=true&refresh=true", "FlowList"},
		{"/api/flows", "/api/flows?whose=mine", "FlowList"},
		{"/api/flows", "/api/flows?whose=shared&person=e", "FlowList"},
		{"/api/flows/:env/:flow", flow, "Flow"},
		{"/api/flows/:env/:flow/runs", flow + "/runs?top=50", "RunPage"},
		{"/api/flows/:env/:flow/runs/:run", flow + "/runs/" + ff.Latest.ID, "RunDetail"},
		{"/api/flows/:env/:flow/runs/:run/content", flow + "/runs/" + ff.Latest.ID + "/content?part=outputs", "RunContent"},
		{"/api/approvals", "/api/approvals", "ApprovalList"},
		{"/api/approvals", "/api/approvals?role=sent&active=false", "ApprovalList"},
		{"/api/approvals/:env/:id", "/api/approvals/" + a.EnvironmentID + "/" + a.ID, "Approval"},
		{"/api/connections", "/api/connections", "ConnectionList"},
		{"/api/apps", "/api/apps", "AppList"},
		{"/api/settings", "/api/settings", "SettingsView"},
		{"/api/chat", "/api/chat", "ChatInvite"},
		{"/api/jobs", "/api/jobs", "JobList"},
		{"/api/jobs/:id", "/api/jobs/" + job.ID, "JobView"},
		{"/api/jobs/:id", "/api/jobs/" + paused.ID, "JobView"},
	}
	// Every GET route the tab API registers has an entry: a new route
	// comes with its TypeScript type.
	covered := map[string]bool{}
	for _, r := range routes {
		covered[r.route] = true
	}
	_, opts, _ := tabDeps(t, cloudtest.Options{})
	s, err := newServer(opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.echo.Routes() {
		// /api/* is the catch-all that answers 404 in JSON.
		if r.Method == http.MethodGet && strings.HasPrefix(r.Path, "/api/") && r.Path != "/api/*" && !covered[r.Path] {
			t.Errorf("GET %s has no entry in TestTabContract", r.Path)
		}
	}
	for i, r := range routes {
		t.Run(fmt.Sprintf("%02d-%s", i, r.tsType), func(t *testing.T) {
			var vs []any
			if strings.HasSuffix(r.route, "/live") {
				resp, body := tc.call(t, http.MethodGet, r.path, "")
				if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ndjson" {
					t.Fatalf("%s: %d %s", r.path, resp.StatusCode, resp.Header.Get("Content-Type"))
				}
				for line := range strings.Lines(string(body)) {
					var v any
					if err := json.Unmarshal([]byte(line), &v); err != nil {
						t.Fatalf("line %q: %v", line, err)
					}
					vs = append(vs, v)
				}
			} else {
				var v any
				tc.json(t, http.MethodGet, r.path, "", http.StatusOK, &v)
				vs = append(vs, v)
			}
			var extra []string
			var errs []string
			for _, v := range vs {
				errs = append(errs, ts.check(v, tsType{kind: "ref", ref: r.tsType}, r.tsType, &extra)...)
			}
			for _, e := range sortedUnique(errs) {
				t.Error(e)
			}
			if len(extra) > 0 {
				t.Logf("keys web/src/types.ts does not declare: %s", strings.Join(sortedUnique(extra), ", "))
			}
		})
	}
}

// TestTSCheckerCatchesMismatches proves the contract check fails when an
// answer and the TypeScript types disagree.
func TestTSCheckerCatchesMismatches(t *testing.T) {
	ts, err := parseTS(`
/** A doc comment. */
export interface Base { id: string; }
export interface Thing extends Base {
  // A line comment.
  count: number;
  tags?: string[];
  owner: { name?: string; email: string } | null;
  kind: "a" | "b";
  detail?: Record<string, string>;
  items: Base[];
}`)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, body string
		want       []string
	}{
		{"fits", `{"id":"1","count":2,"tags":["x"],"owner":null,"kind":"a","items":[{"id":"2"}],"more":1}`, nil},
		{"missing", `{"count":2,"owner":{"email":"e"},"kind":"a","items":[]}`, []string{"Thing.id: missing"}},
		{"wrong type", `{"id":1,"count":"2","owner":{"email":"e"},"kind":"a","items":[]}`, []string{"Thing.count: string", "Thing.id: float64"}},
		{"null array", `{"id":"1","count":2,"owner":{"email":"e"},"kind":"a","items":null}`, []string{"Thing.items: null"}},
		{"nested", `{"id":"1","count":2,"owner":{"name":5},"kind":"a","items":[{"id":3}]}`, []string{"Thing.items[0].id: float64", "Thing.owner.email: missing", "Thing.owner.name: float64"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(c.body), &v); err != nil {
				t.Fatal(err)
			}
			var extra []string
			errs := sortedUnique(ts.check(v, tsType{kind: "ref", ref: "Thing"}, "Thing", &extra))
			if len(errs) != len(c.want) {
				t.Fatalf("errors %q, want ones starting %q", errs, c.want)
			}
			for i := range errs {
				if !strings.HasPrefix(errs[i], strings.ReplaceAll(c.want[i], "[0]", "[]")) {
					t.Errorf("error %q, want one starting %q", errs[i], c.want[i])
				}
			}
			if c.name == "fits" && (len(extra) != 1 || extra[0] != "Thing.more") {
				t.Errorf("extra keys %q, want Thing.more", extra)
			}
		})
	}
}
