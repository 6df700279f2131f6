package powerplatform

import (
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

var runNameRE = regexp.MustCompile(`^[A-Z0-9]{10,128}$`)

func TestRunsPagingAcrossHosts(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow), PageSize: 7})
	tok := fx.flowToken(adele())
	next := fx.flowsURL(envDefault) + "/" + flowFail + "/runs" + av
	var all []map[string]any
	hosts := map[string]int{}
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("too many pages")
		}
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		hosts["https://"+u.Host]++
		if pages > 0 && !strings.Contains(u.RawQuery, "%24skiptoken=") {
			t.Errorf("nextLink %s has no %%24skiptoken", next)
		}
		m := fx.get(next, tok, 200)
		page := values(m)
		if len(page) > 7 {
			t.Errorf("page of %d runs, want ≤ 7", len(page))
		}
		all = append(all, page...)
		next, _ = m["nextLink"].(string)
	}
	if len(all) != runsOfFail {
		t.Fatalf("got %d runs, want %d", len(all), runsOfFail)
	}
	if hosts[fx.srv.AltURL()] == 0 || hosts[fx.srv.FlowURL()] == 0 {
		t.Errorf("pages fetched from %v, want both %s and %s", hosts, fx.srv.FlowURL(), fx.srv.AltURL())
	}
	seen := map[string]bool{}
	prev := ""
	for _, r := range all {
		name := r["name"].(string)
		if seen[name] || !runNameRE.MatchString(name) {
			t.Errorf("bad or repeated run name %q", name)
		}
		seen[name] = true
		st := props(r)["startTime"].(string)
		if prev != "" && st > prev {
			t.Errorf("runs not newest first: %s after %s", st, prev)
		}
		prev = st
	}
	alt := 0
	for _, e := range fx.srv.Requests() {
		if "https://"+e.Host == fx.srv.AltURL() && e.Status == 200 && e.UserOID == adele().ID {
			alt++
		}
	}
	if alt == 0 {
		t.Error("request log shows no authenticated call on the alternate host")
	}
}

func TestRunsFilter(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	base := fx.flowsURL(envDefault) + "/" + flowFail + "/runs" + av
	since := testNow.Add(-12 * time.Hour).Format(time.RFC3339)
	until := testNow.Add(-3 * time.Hour).Format(time.RFC3339)
	// Runs start at now-10m-k hours for k = 0..29; every third (from the oldest) failed.
	tests := []struct {
		name, filter string
		want         int
		status       string
	}{
		{"failed", "status eq 'Failed'", 10, RunFailed},
		{"since unquoted", "startTime ge " + since, 12, ""},
		{"since quoted, failed", "status eq 'Failed' and startTime ge '" + since + "'", 4, RunFailed},
		{"window", "startTime ge " + since + " and startTime lt " + until, 9, ""},
		{"succeeded window", "status eq 'Succeeded' and startTime ge " + since + " and startTime lt " + until, 6, RunSucceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := fx.with(t)
			runs := values(fx.get(base+"&$filter="+url.QueryEscape(tt.filter), tok, 200))
			if len(runs) != tt.want {
				t.Errorf("got %d runs, want %d", len(runs), tt.want)
			}
			for _, r := range runs {
				if tt.status != "" && props(r)["status"] != tt.status {
					t.Errorf("run %v has status %v", r["name"], props(r)["status"])
				}
			}
		})
	}
	// The CLI's encoding: + for spaces.
	runs := values(fx.get(base+"&$filter=status+eq+'Failed'", tok, 200))
	if len(runs) != 10 {
		t.Errorf("+ encoded filter: %d runs", len(runs))
	}
	for _, bad := range []string{"status eq Failed", "name eq 'x'", "startTime ge yesterday", "status eq 'Failed' or status eq 'Running'"} {
		m := fx.get(base+"&$filter="+url.QueryEscape(bad), tok, 400)
		wantError(t, m, "InvalidFilter", bad)
	}
	fx.get(base+"&$top=0", tok, 400)
	fx.get(base+"&$skiptoken=%21%21", tok, 400)
}

func TestRunGetAndActions(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	failed := values(fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/runs"+av+"&$top=1&$filter=status%20eq%20'Failed'", tok, 200))[0]
	name := failed["name"].(string)
	runURL := fx.flowsURL(envDefault) + "/" + flowFail + "/runs/" + name
	r := fx.get(runURL+av, tok, 200)
	p := props(r)
	if r["type"] != "Microsoft.ProcessSimple/environments/flows/runs" || p["status"] != RunFailed || p["code"] != "ActionFailed" {
		t.Errorf("run %v: %v %v", r["type"], p["status"], p["code"])
	}
	if e := p["error"].(map[string]any); e["code"] != "ActionFailed" || e["message"] != "An action failed. No dependent actions succeeded." {
		t.Errorf("run error %v", e)
	}
	if trig := p["trigger"].(map[string]any); trig["name"] != "When_an_item_is_created" || trig["status"] != RunSucceeded {
		t.Errorf("trigger %v", trig)
	}
	if p["actions"] != nil {
		t.Error("actions present without $expand")
	}
	// $expand=properties/actions as the reference writes it (%2F).
	ex := props(fx.get(runURL+"?$expand=properties%2Factions&api-version=2016-11-01", tok, 200))
	acts := ex["actions"].(map[string]any)
	// A failed connector action has no properties.error, only its outputsLink.
	upd := acts["Update_item"].(map[string]any)
	if upd["status"] != RunFailed || upd["code"] != "BadGateway" || upd["error"] != nil || upd["outputsLink"] == nil {
		t.Errorf("Update_item %v", upd)
	}
	if acts["Get_item"].(map[string]any)["status"] != RunSucceeded || acts["Send_an_email_(V2)"].(map[string]any)["status"] != "Skipped" {
		t.Errorf("actions %v", acts)
	}
	// The list is in name order, not run order.
	list := values(fx.get(runURL+"/actions"+av, tok, 200))
	var names []string
	for _, a := range list {
		names = append(names, a["name"].(string))
	}
	if want := []string{"Condition", "Get_item", "Send_an_email_(V2)", "Start_and_wait_for_an_approval", "Update_item"}; !slices.Equal(names, want) ||
		list[4]["type"] != "Microsoft.ProcessSimple/environments/flows/runs/actions" {
		t.Errorf("actions list %v, want %v", names, want)
	}
	one := fx.get(runURL+"/actions/Update_item"+av, tok, 200)
	if props(one)["error"] != nil || props(one)["outputsLink"].(map[string]any)["uri"] == "" {
		t.Errorf("failed connector action %v", props(one))
	}
	fx.get(runURL+"/actions/Nope"+av, tok, 404)
	m := fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/runs/08585981115186985105550762688CP233"+av, tok, 404)
	wantError(t, m, "AzureResourceManagerRequestFailed", "Request to Azure Resource Manager failed with error: '")
	var inner struct{ Error errorDetail }
	msg := m["error"].(map[string]any)["message"].(string)
	raw := strings.TrimSuffix(strings.TrimPrefix(msg, "Request to Azure Resource Manager failed with error: '"), "'")
	if err := json.Unmarshal([]byte(raw), &inner); err != nil || inner.Error.Code != "WorkflowRunNotFound" {
		t.Errorf("inner error %q: %v", raw, err)
	}
}

func TestResubmitCreatesRun(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	runs := fx.flowsURL(envDefault) + "/" + flowOK + "/runs" + av
	orig := values(fx.get(runs, tok, 200))
	name := orig[0]["name"].(string)
	fx.clock.Advance(time.Minute)
	fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowOK+"/triggers/Recurrence/histories/"+name+"/resubmit"+av, tok, nil, 202)
	after := values(fx.get(runs, tok, 200))
	if len(after) != len(orig)+1 {
		t.Fatalf("runs %d → %d, want one more", len(orig), len(after))
	}
	nr := after[0]
	np := props(nr)
	if np["status"] != RunRunning || np["trigger"].(map[string]any)["originHistoryName"] != name {
		t.Errorf("new run %v status %v origin %v", nr["name"], np["status"], np["trigger"])
	}
	// Resubmitting a run still running is refused.
	m := fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowOK+"/triggers/Recurrence/histories/"+nr["name"].(string)+"/resubmit"+av, tok, nil, 409)
	wantError(t, m, "WorkflowRunInProgress", nr["name"].(string))
	// It completes once the clock passes the flow's duration.
	fx.clock.Advance(2 * time.Minute)
	if st := props(fx.get(fx.flowsURL(envDefault)+"/"+flowOK+"/runs/"+nr["name"].(string)+av, tok, 200))["status"]; st != RunSucceeded {
		t.Errorf("resubmitted run is %v, want Succeeded", st)
	}
	// A mostly failing flow fails again, with its failure.
	fr := fx.firstRun(flowFail)
	fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowFail+"/triggers/When_an_item_is_created/histories/"+fr+"/resubmit"+av, tok, nil, 202)
	if n := fx.srv.CompleteRuns(); n != 1 {
		t.Errorf("CompleteRuns = %d, want 1", n)
	}
	top := props(values(fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/runs"+av+"&$top=1", tok, 200))[0])
	if top["status"] != RunFailed || top["error"].(map[string]any)["code"] != "ActionFailed" {
		t.Errorf("resubmitted failing run: %v %v", top["status"], top["error"])
	}
	m = fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowFail+"/triggers/manual/histories/"+fr+"/resubmit"+av, tok, nil, 404)
	wantError(t, m, "AzureResourceManagerRequestFailed", "WorkflowTriggerNotFound")
	m = fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowFail+"/triggers/When_an_item_is_created/histories/NOPE123456/resubmit"+av, tok, nil, 404)
	wantError(t, m, "AzureResourceManagerRequestFailed", "WorkflowRunNotFound")
}

func TestCancelRun(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	name, err := fx.srv.AddRun(envDefault, flowFail, RunSpec{Status: RunRunning})
	if err != nil {
		t.Fatal(err)
	}
	cancel := fx.flowsURL(envDefault) + "/" + flowFail + "/runs/" + name + "/cancel" + av
	if st := props(fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/runs/"+name+av, tok, 200))["status"]; st != RunRunning {
		t.Fatalf("added run is %v", st)
	}
	fx.expect("POST", cancel, tok, nil, 200)
	r := props(fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/runs/"+name+av, tok, 200))
	if r["status"] != RunCancelled || r["endTime"] == nil {
		t.Errorf("after cancel: %v end %v", r["status"], r["endTime"])
	}
	m := fx.expect("POST", cancel, tok, nil, 409)
	wantError(t, m, "WorkflowRunNotInProgress", name)
	if _, err := fx.srv.AddRun(envDefault, "nope", RunSpec{}); err == nil {
		t.Error("AddRun on an unknown flow succeeded")
	}
}

func TestAddFailedRunVisible(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	fx.clock.Advance(time.Hour)
	name, err := fx.srv.AddRun(envDefault, flowOK, RunSpec{})
	if err != nil {
		t.Fatal(err)
	}
	since := url.QueryEscape("status eq 'Failed' and startTime ge " + testNow.Add(30*time.Minute).Format(time.RFC3339))
	runs := values(fx.get(fx.flowsURL(envDefault)+"/"+flowOK+"/runs"+av+"&$filter="+since, fx.flowToken(adele()), 200))
	if len(runs) != 1 || runs[0]["name"] != name {
		t.Fatalf("failed runs since: %v", runs)
	}
	if code := props(runs[0])["error"].(map[string]any)["code"]; code != "ActionFailed" {
		t.Errorf("code %v", code)
	}
}
