package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
)

func TestTabRunContent(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var d ops.Dashboard
	tc.json(t, http.MethodGet, "/api/dashboard", "", http.StatusOK, &d)
	f := d.Failing[0]
	base := "/api/flows/" + f.Flow.EnvironmentID + "/" + f.Flow.ID + "/runs/" + f.Latest.ID
	var detail ops.RunDetail
	tc.json(t, http.MethodGet, base, "", http.StatusOK, &detail)
	if len(detail.Actions) == 0 {
		t.Fatal("no actions")
	}
	first := detail.Actions[0].Name

	reads := tc.cloud.PP.Calls(powerplatform.RouteContentGet)
	var rc flowdeck.RunContent
	resp := tc.json(t, http.MethodGet, base+"/content?part=inputs&action="+url.QueryEscape(first), "", http.StatusOK, &rc)
	wantCache(t, resp, cacheNever)
	if rc.Action != first || rc.Part != flowdeck.ContentInputs || rc.Secure || rc.Text == "" {
		t.Fatalf("inputs of %s: %+v", first, rc)
	}
	var trig flowdeck.RunContent
	tc.json(t, http.MethodGet, base+"/content?part=outputs", "", http.StatusOK, &trig)
	if trig.Action != "" || trig.Part != flowdeck.ContentOutputs || trig.Text == "" {
		t.Fatalf("trigger outputs: %+v", trig)
	}
	if got := tc.cloud.PP.Calls(powerplatform.RouteContentGet) - reads; got != 2 {
		t.Fatalf("%d content reads, want 2", got)
	}
	for _, r := range tc.cloud.PP.Requests() {
		if r.Route == powerplatform.RouteContentGet && r.Authorization {
			t.Fatalf("a content read carried an Authorization header")
		}
	}
	// The answer never carries the link or its signature.
	_, body := tc.call(t, http.MethodGet, base+"/content?part=inputs&action="+url.QueryEscape(first), "")
	if s := string(body); strings.Contains(s, "sig=") || strings.Contains(s, "/workflows/") {
		t.Fatalf("the answer carries the content link: %s", s)
	}
}

func TestTabRunContentValidation(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	env, flow, run := "Default-"+strings.Repeat("0", 8)+"-0000-0000-0000-"+strings.Repeat("0", 12), "0b8e6c4e-4f0e-4a39-9b8a-0c1d2e3f4a5b", "08584ABCDEF0123456789CU01"
	base := "/api/flows/" + env + "/" + flow + "/runs/"
	for _, path := range []string{
		base + run + "/content",
		base + run + "/content?part=body",
		base + run + "/content?part=inputs&part=outputs",
		base + run + "/content?part=inputs&action=",
		base + run + "/content?part=inputs&action=a%2Fb",
		base + run + "/content?part=inputs&action=%00",
		base + run + "/content?part=inputs&action=" + strings.Repeat("a", 81),
		base + "not-a-run/content?part=inputs",
		"/api/flows/" + env + "/not-a-flow/runs/" + run + "/content?part=inputs",
		base[:len(base)-len("/runs/")] + "/runs?window=2d",
		base[:len(base)-len("/runs/")] + "/runs?window=24h&window=7d",
	} {
		before := len(tc.cloud.PP.Requests())
		resp, body := tc.call(t, http.MethodGet, path, "")
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", path, resp.StatusCode, body)
			continue
		}
		if !strings.Contains(string(body), `"invalid"`) {
			t.Errorf("%s: body %s is not an invalid-input error", path, body)
		}
		if n := len(tc.cloud.PP.Requests()) - before; n != 0 {
			t.Errorf("%s: %d requests went upstream", path, n)
		}
	}
}

func TestTabRunsWindow(t *testing.T) {
	t.Parallel()
	tc := newTabCloud(t)
	var d ops.Dashboard
	tc.json(t, http.MethodGet, "/api/dashboard", "", http.StatusOK, &d)
	f := d.Failing[0]
	base := "/api/flows/" + f.Flow.EnvironmentID + "/" + f.Flow.ID + "/runs"
	var all, day flowdeck.RunPage
	tc.json(t, http.MethodGet, base+"?top=50&window=28d", "", http.StatusOK, &all)
	tc.json(t, http.MethodGet, base+"?top=50&window=1h", "", http.StatusOK, &day)
	since := time.Now().Add(-time.Hour - time.Minute)
	for _, r := range day.Runs {
		if r.StartTime.Before(since) {
			t.Errorf("window=1h listed a run started %s", r.StartTime)
		}
	}
	if len(day.Runs) >= len(all.Runs) {
		t.Errorf("window=1h: %d runs, 28d: %d; the window does not narrow", len(day.Runs), len(all.Runs))
	}
}

func TestTabRunContentSecureAndLarge(t *testing.T) {
	t.Parallel()
	tenant := powerplatform.Demo(time.Now())
	adele := cloudtest.Adele().ID
	var fl *powerplatform.Flow
	for _, f := range tenant.Flows {
		if f.OwnerID == adele && f.State == powerplatform.StateStarted && !f.Solution && len(f.Actions) > 0 {
			fl = f
			break
		}
	}
	if fl == nil {
		t.Fatal("no started flow of Adele's")
	}
	fl.Actions = []powerplatform.Action{
		{Name: "Get_secret", Type: "OpenApiConnection", Connector: "shared_keyvault", OperationID: "GetSecret", Secure: []string{"inputs", "outputs"}},
		{Name: "List_rows", Type: "OpenApiConnection", Connector: "shared_commondataserviceforapps", OperationID: "ListRecords", OutputBytes: 200 << 10},
	}
	cloud, opts, tok := tabDeps(t, cloudtest.Options{Tenant: tenant})
	tc := &tabCloud{cloud: cloud, token: tok, url: newTestServer(t, opts, nil).URL}
	run, err := cloud.PP.AddRun(fl.Environment, fl.Name, powerplatform.RunSpec{Status: powerplatform.RunSucceeded})
	if err != nil {
		t.Fatal(err)
	}
	base := "/api/flows/" + fl.Environment + "/" + fl.Name + "/runs/" + run + "/content"

	for _, part := range []string{"inputs", "outputs"} {
		var rc flowdeck.RunContent
		tc.json(t, http.MethodGet, base+"?part="+part+"&action=Get_secret", "", http.StatusOK, &rc)
		if !rc.Secure || rc.Text != "" {
			t.Errorf("secure %s: %+v", part, rc)
		}
	}
	if n := cloud.PP.Calls(powerplatform.RouteContentGet); n != 0 {
		t.Fatalf("%d content reads of secure content", n)
	}

	var rc flowdeck.RunContent
	tc.json(t, http.MethodGet, base+"?part=outputs&action=List_rows", "", http.StatusOK, &rc)
	if !rc.Truncated || rc.Size <= 200<<10 || len(rc.Text) > powerautomate.DefaultShowBytes {
		t.Errorf("large outputs: truncated %v, size %d, %d bytes", rc.Truncated, rc.Size, len(rc.Text))
	}
}
