package powerplatform

import (
	"net/http"
	"strings"
	"testing"
)

// TestEveryRouteAPIVersion checks each route answers with the right
// api-version, and 400 without one or with an unsupported one.
func TestEveryRouteAPIVersion(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	runName := fx.firstRun(flowFail)
	flowTok, paTok := fx.flowToken(adele()), fx.paToken(adele())
	f := flowPrefix + "/environments/" + envDefault + "/flows/" + flowFail
	a := flowPrefix + "/environments/" + envDefault + "/approvals/" + apBasic
	respond := map[string]any{"properties": map[string]any{"response": "Approve", "comments": "ok"}}
	tests := []struct {
		route, method, base, path, version, token string
		body                                      any
		status                                    int
	}{
		{RouteEnvironmentsList, "GET", fx.srv.FlowURL(), flowPrefix + "/environments", "2016-11-01", flowTok, nil, 200},
		{RouteEnvironmentsGet, "GET", fx.srv.FlowURL(), flowPrefix + "/environments/~default", "2016-11-01", flowTok, nil, 200},
		{RouteFlowsList, "GET", fx.srv.FlowURL(), flowPrefix + "/environments/" + envDefault + "/flows", "2016-11-01", flowTok, nil, 200},
		{RouteFlowsGet, "GET", fx.srv.FlowURL(), f, "2016-11-01", flowTok, nil, 200},
		{RouteTriggersList, "GET", fx.srv.FlowURL(), f + "/triggers", "2016-11-01", flowTok, nil, 200},
		{RouteRunsList, "GET", fx.srv.FlowURL(), f + "/runs", "2016-11-01", flowTok, nil, 200},
		{RouteRunsGet, "GET", fx.srv.FlowURL(), f + "/runs/" + runName, "2016-11-01", flowTok, nil, 200},
		{RouteActionsList, "GET", fx.srv.FlowURL(), f + "/runs/" + runName + "/actions", "2016-11-01", flowTok, nil, 200},
		{RouteActionsGet, "GET", fx.srv.FlowURL(), f + "/runs/" + runName + "/actions/Get_item", "2016-11-01", flowTok, nil, 200},
		{RouteRunsResubmit, "POST", fx.srv.FlowURL(), f + "/triggers/When_an_item_is_created/histories/" + runName + "/resubmit", "2016-11-01", flowTok, nil, 202},
		{RouteRunsCancel, "POST", fx.srv.FlowURL(), f + "/runs/" + runName + "/cancel", "2016-11-01", flowTok, nil, 409},
		{RouteFlowsStop, "POST", fx.srv.FlowURL(), f + "/stop", "2016-11-01", flowTok, nil, 200},
		{RouteFlowsStart, "POST", fx.srv.FlowURL(), f + "/start", "2016-11-01", flowTok, nil, 200},
		{RouteApprovalsList, "GET", fx.srv.FlowURL(), flowPrefix + "/environments/" + envDefault + "/approvalViews", "2016-11-01", flowTok, nil, 200},
		{RouteApprovalsGet, "GET", fx.srv.FlowURL(), a, "2016-11-01", flowTok, nil, 200},
		{RouteApprovalsResponses, "GET", fx.srv.FlowURL(), a + "/approvalResponses", "2016-11-01", flowTok, nil, 200},
		{RouteApprovalsRespond, "POST", fx.srv.FlowURL(), a + "/approvalResponses", "2016-11-01", flowTok, respond, 201},
		{RouteAppsList, "GET", fx.srv.PowerAppsURL(), powerAppsPrefix + "/apps", "2017-08-01", paTok, nil, 200},
		{RouteAppsGet, "GET", fx.srv.PowerAppsURL(), powerAppsPrefix + "/apps/" + appMine, "2016-11-01", paTok, nil, 200},
		{RouteConnectionsList, "GET", fx.srv.PowerAppsURL(), powerAppsPrefix + "/connections", "2020-06-01", paTok, nil, 200},
		{RoutePAEnvironmentsList, "GET", fx.srv.PowerAppsURL(), powerAppsPrefix + "/environments", "2016-11-01", paTok, nil, 200},
		{RoutePAEnvironmentsGet, "GET", fx.srv.PowerAppsURL(), powerAppsPrefix + "/environments/" + envDefault, "2016-11-01", paTok, nil, 200},
		{RouteBAPEnvironmentsList, "GET", fx.srv.BAPURL(), bapPrefix + "/environments", "2020-10-01", paTok, nil, 200},
		{RouteBAPEnvironmentsGet, "GET", fx.srv.BAPURL(), bapPrefix + "/environments/" + envDefault, "2023-06-01", paTok, nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.route+"/"+tt.method, func(t *testing.T) {
			fx := fx.with(t)
			m := fx.expect(tt.method, tt.base+tt.path, tt.token, tt.body, 400)
			wantError(t, m, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
			m = fx.expect(tt.method, tt.base+tt.path+"?api-version=1999-01-01", tt.token, tt.body, 400)
			wantError(t, m, "InvalidApiVersionParameter", "'1999-01-01'")
			before := fx.srv.Calls(tt.route)
			fx.expect(tt.method, tt.base+tt.path+"?api-version="+tt.version, tt.token, tt.body, tt.status)
			if got := fx.srv.Calls(tt.route); got != before+1 {
				t.Errorf("Calls(%s) = %d, want %d", tt.route, got, before+1)
			}
		})
	}
}

func TestUnknownRoute(t *testing.T) {
	fx := newFixture(t, Options{Tenant: testTenant(testNow)})
	// Connections do not exist on the Flow host.
	m := fx.get(fx.srv.FlowURL()+flowPrefix+"/environments/"+envDefault+"/connections"+av, fx.flowToken(adele()), 404)
	wantError(t, m, "NotFound", "No HTTP resource was found that matches the request URI")
}

func TestEnvironmentShapes(t *testing.T) {
	fx := newFixture(t, Options{})
	envs := values(fx.get(fx.srv.FlowURL()+flowPrefix+"/environments"+av, fx.flowToken(adele()), 200))
	if len(envs) != 3 {
		t.Fatalf("got %d environments, want 3", len(envs))
	}
	skus := map[string]bool{}
	for _, e := range envs {
		p := props(e)
		skus[p["environmentSku"].(string)] = true
		if e["type"] != "Microsoft.ProcessSimple/environments" || !strings.HasPrefix(e["id"].(string), flowPrefix+"/environments/") {
			t.Errorf("environment envelope %v", e)
		}
		if p["isDefault"] == true && e["name"] != envDefault {
			t.Errorf("default environment is %v", e["name"])
		}
	}
	for _, sku := range []string{"Default", "Production", "Sandbox"} {
		if !skus[sku] {
			t.Errorf("no %s environment in %v", sku, skus)
		}
	}
	def := fx.get(fx.srv.FlowURL()+flowPrefix+"/environments/~default"+av, fx.flowToken(adele()), 200)
	if def["name"] != envDefault {
		t.Errorf("~default = %v", def["name"])
	}
	m := fx.get(fx.srv.FlowURL()+flowPrefix+"/environments/nope"+av, fx.flowToken(adele()), 403)
	wantError(t, m, "EnvironmentAccessDenied", "Access to the environment 'nope' is denied.")

	bap := fx.get(fx.srv.BAPURL()+bapPrefix+"/environments/"+envDefault+"?api-version=2020-10-01&$expand=properties/linkedEnvironmentMetadata", fx.paToken(adele()), 200)
	if bap["type"] != "Microsoft.BusinessAppPlatform/environments" {
		t.Errorf("BAP type %v", bap["type"])
	}
	if md, _ := props(bap)["linkedEnvironmentMetadata"].(map[string]any); md == nil || !strings.HasPrefix(md["instanceUrl"].(string), "https://") {
		t.Errorf("linkedEnvironmentMetadata = %v", props(bap)["linkedEnvironmentMetadata"])
	}
	pa := values(fx.get(fx.srv.PowerAppsURL()+powerAppsPrefix+"/environments?api-version=2016-11-01&$expand=permissions", fx.paToken(adele()), 200))
	if len(pa) != 3 || pa[0]["type"] != "Microsoft.PowerApps/environments" {
		t.Errorf("Power Apps environments: %d, first %v", len(pa), pa[0]["type"])
	}
	// A Power Apps route without the User scope.
	fx.expect("GET", fx.srv.BAPURL()+bapPrefix+"/environments?api-version=2020-10-01", fx.mint(adele(), DefaultPowerAppsAudience, "Other.Scope", nil), nil, http.StatusForbidden)
}
