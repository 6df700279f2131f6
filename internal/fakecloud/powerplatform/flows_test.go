package powerplatform

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
)

func names(items []map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, it := range items {
		out[it["name"].(string)] = true
	}
	return out
}

func TestFlowsListFilters(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	list := func(fx *fixture, env, query string) map[string]bool {
		return names(values(fx.get(fx.flowsURL(env)+av+query, tok, 200)))
	}
	tests := []struct {
		name, env, query string
		want             []string
	}{
		{"owned by me", envDefault, "", []string{flowFail, flowOK, flowDLP, flowAlways}},
		{"personal", envDefault, "&$filter=" + url.QueryEscape("search('personal')"), []string{flowFail, flowDLP, flowAlways}},
		{"team", envDefault, "&$filter=search('team')", []string{flowOK}},
		{"solution flows hidden", envProd, "", nil},
		{"solution flows included", envProd, "&include=includeSolutionCloudFlows", []string{flowSol}},
		{"default alias", "~default", "&$top=50", []string{flowFail, flowOK, flowDLP, flowAlways}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := fx.with(t)
			got := list(fx, tt.env, tt.query)
			if len(got) != len(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			for _, w := range tt.want {
				if !got[w] {
					t.Errorf("missing %s in %v", w, got)
				}
			}
		})
	}
	// Megan co-owns flowOK: team shows it, the default list does not.
	if got := names(values(fx.get(fx.flowsURL(envDefault)+av+"&$filter=search('team')", fx.flowToken(megan()), 200))); !got[flowOK] || got[flowFail] {
		t.Errorf("Megan's team flows = %v", got)
	}
	m := fx.get(fx.flowsURL(envDefault)+av+"&$filter=properties/isActive%20eq%20'true'", tok, 400)
	wantError(t, m, "InvalidFilter", "properties/isActive")
}

func TestFlowGetShape(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	f := fx.get(fx.flowsURL(envDefault)+"/"+flowFail+av, fx.flowToken(adele()), 200)
	if f["type"] != "Microsoft.ProcessSimple/environments/flows" || f["id"] != flowID(envDefault, flowFail) {
		t.Errorf("envelope %v %v", f["type"], f["id"])
	}
	p := props(f)
	for _, k := range []string{"displayName", "state", "definition", "definitionSummary", "connectionReferences", "environment", "createdTime", "flowSuspensionReason", "creator"} {
		if p[k] == nil {
			t.Errorf("properties.%s missing", k)
		}
	}
	if p["state"] != StateStarted || p["flowSuspensionReason"] != SuspensionNone {
		t.Errorf("state %v reason %v", p["state"], p["flowSuspensionReason"])
	}
	def := p["definition"].(map[string]any)
	if _, ok := def["triggers"].(map[string]any)["When_an_item_is_created"]; !ok {
		t.Errorf("definition triggers %v", def["triggers"])
	}
	if _, ok := p["connectionReferences"].(map[string]any)["shared_sharepointonline"]; !ok {
		t.Errorf("connectionReferences %v", p["connectionReferences"])
	}
	s := props(fx.get(fx.flowsURL(envDefault)+"/"+flowAlways+av, fx.flowToken(adele()), 200))
	if s["state"] != StateSuspended || s["flowSuspensionReason"] != SuspensionAlwaysFailingDetected || s["flowSuspensionTime"] == nil {
		t.Errorf("suspended flow: %v %v %v", s["state"], s["flowSuspensionReason"], s["flowSuspensionTime"])
	}
	// Adele cannot see Megan's unshared flow, nor a flow that does not exist.
	for _, name := range []string{flowMegan, "ffffffff-0000-4000-8000-000000000000"} {
		m := fx.get(fx.flowsURL(envDefault)+"/"+name+av, fx.flowToken(adele()), 403)
		wantError(t, m, "ConnectionAuthorizationFailed", fmt.Sprintf("The caller with object id '%s' does not have permission for connection '%s' under Api 'shared_logicflows'.", adele().ID, name))
	}
	trig := values(fx.get(fx.flowsURL(envDefault)+"/"+flowFail+"/triggers"+av, fx.flowToken(adele()), 200))
	if len(trig) != 1 || trig[0]["name"] != "When_an_item_is_created" {
		t.Errorf("triggers %v", trig)
	}
}

func TestStartStop(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	tok := fx.flowToken(adele())
	state := func(flow string) string {
		return props(fx.get(fx.flowsURL(envDefault)+"/"+flow+av, tok, 200))["state"].(string)
	}
	fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowOK+"/stop"+av, tok, nil, http.StatusOK)
	if got := state(flowOK); got != StateStopped {
		t.Fatalf("after stop: %s", got)
	}
	fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowOK+"/start"+av, tok, nil, http.StatusOK)
	if got := state(flowOK); got != StateStarted {
		t.Fatalf("after start: %s", got)
	}
	// Turning a flow suspended for continuous failures back on works.
	fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowAlways+"/start"+av, tok, nil, http.StatusOK)
	if st, reason, _ := fx.srv.FlowState(envDefault, flowAlways); st != StateStarted || reason != SuspensionNone {
		t.Errorf("always-failing flow after start: %s %s", st, reason)
	}
	// A DLP violation persists: 403 DlpViolation, the real envelope.
	m := fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowDLP+"/start"+av, tok, nil, http.StatusForbidden)
	wantError(t, m, "DlpViolation", "Flow '"+flowDLP+"' cannot be activated due to admin API policies.")
	if got := state(flowDLP); got != StateSuspended {
		t.Errorf("DLP flow state %s", got)
	}
	// A flow put under a DLP policy can be turned off but not on again.
	if err := fx.srv.SetDLPPolicy(envDefault, flowOK, "Business data only"); err != nil {
		t.Fatal(err)
	}
	fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowOK+"/stop"+av, tok, nil, http.StatusOK)
	m = fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowOK+"/start"+av, tok, nil, http.StatusForbidden)
	wantError(t, m, "DlpViolation", "cannot be activated due to admin API policies")
	if got := state(flowOK); got != StateStopped {
		t.Errorf("flow under DLP after start: %s", got)
	}
	if err := fx.srv.SetDLPPolicy(envDefault, flowOK, ""); err != nil {
		t.Fatal(err)
	}
	fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowOK+"/start"+av, tok, nil, http.StatusOK)
	// Megan co-owns flowOK and may stop it; she cannot touch Adele's personal flow.
	fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowOK+"/stop"+av, fx.flowToken(megan()), nil, http.StatusOK)
	fx.expect("POST", fx.flowsURL(envDefault)+"/"+flowFail+"/stop"+av, fx.flowToken(megan()), nil, http.StatusForbidden)
}

func TestFlowsPagingAtScale(t *testing.T) {
	users := demo.UsersOf(demo.TenantID)[:2]
	tn := Generate(Spec{Environments: 1, FlowsPerEnvironment: 1500, RunsPerFlow: 1, Seed: 3, Users: users})
	want := 0
	for _, f := range tn.Flows {
		if f.OwnerID == users[0].ID && !f.Solution {
			want++
		}
	}
	fx := newFixture(t, Options{Tenant: tn, PageSize: 100})
	tok := fx.flowToken(users[0])
	seen := map[string]bool{}
	next := fx.flowsURL(envDefault) + av
	pages := 0
	start := time.Now()
	for next != "" {
		m := fx.get(next, tok, 200)
		for n := range names(values(m)) {
			if seen[n] {
				t.Fatalf("flow %s listed twice", n)
			}
			seen[n] = true
		}
		next, _ = m["nextLink"].(string)
		pages++
	}
	if len(seen) != want || want < 500 {
		t.Errorf("listed %d flows, want %d", len(seen), want)
	}
	t.Logf("%d flows in %d pages in %v", len(seen), pages, time.Since(start))
}
