package powerplatform

import "net/http"

// flowMux routes the Flow RP (served on FlowURL and AltURL).
func (s *Server) flowMux() *http.ServeMux {
	m := http.NewServeMux()
	const e = flowPrefix + "/environments"
	const f = e + "/{env}/flows/{flow}"
	s.handle(m, apiFlow, "GET "+e, RouteEnvironmentsList, s.listEnvironments)
	s.handle(m, apiFlow, "GET "+e+"/{env}", RouteEnvironmentsGet, s.getEnvironment)
	s.handle(m, apiFlow, "GET "+e+"/{env}/flows", RouteFlowsList, s.listFlows)
	s.handle(m, apiFlow, "GET "+f, RouteFlowsGet, s.getFlow)
	s.handle(m, apiFlow, "POST "+f+"/start", RouteFlowsStart, s.startFlow)
	s.handle(m, apiFlow, "POST "+f+"/stop", RouteFlowsStop, s.stopFlow)
	s.handle(m, apiFlow, "GET "+f+"/triggers", RouteTriggersList, s.listTriggers)
	s.handle(m, apiFlow, "POST "+f+"/triggers/{trigger}/histories/{run}/resubmit", RouteRunsResubmit, s.resubmitRun)
	s.handle(m, apiFlow, "GET "+f+"/runs", RouteRunsList, s.listRuns)
	s.handle(m, apiFlow, "GET "+f+"/runs/{run}", RouteRunsGet, s.getRun)
	s.handle(m, apiFlow, "POST "+f+"/runs/{run}/cancel", RouteRunsCancel, s.cancelRun)
	s.handle(m, apiFlow, "GET "+f+"/runs/{run}/actions", RouteActionsList, s.listActions)
	s.handle(m, apiFlow, "GET "+f+"/runs/{run}/actions/{action}", RouteActionsGet, s.getAction)
	s.handle(m, apiFlow, "GET "+e+"/{env}/approvalViews", RouteApprovalsList, s.listApprovalViews)
	s.handle(m, apiFlow, "GET "+e+"/{env}/approvals/{approval}", RouteApprovalsGet, s.getApproval)
	s.handle(m, apiFlow, "GET "+e+"/{env}/approvals/{approval}/approvalResponses", RouteApprovalsResponses, s.listApprovalResponses)
	s.handle(m, apiFlow, "POST "+e+"/{env}/approvals/{approval}/approvalResponses", RouteApprovalsRespond, s.respondApproval)
	s.handle(m, apiFlow, "/", routeUnknown, s.notFound)
	return m
}

// powerAppsMux routes the Power Apps RP.
func (s *Server) powerAppsMux() *http.ServeMux {
	m := http.NewServeMux()
	const p = powerAppsPrefix
	s.handle(m, apiPowerApps, "GET "+p+"/apps", RouteAppsList, s.listApps)
	s.handle(m, apiPowerApps, "GET "+p+"/apps/{app}", RouteAppsGet, s.getApp)
	s.handle(m, apiPowerApps, "GET "+p+"/connections", RouteConnectionsList, s.listConnections)
	s.handle(m, apiPowerApps, "GET "+p+"/apis/{api}/connections", RouteConnectionsList, s.listConnections)
	s.handle(m, apiPowerApps, "GET "+p+"/environments", RoutePAEnvironmentsList, s.listEnvironments)
	s.handle(m, apiPowerApps, "GET "+p+"/environments/{env}", RoutePAEnvironmentsGet, s.getEnvironment)
	s.handle(m, apiPowerApps, "/", routeUnknown, s.notFound)
	return m
}

// bapMux routes BAP.
func (s *Server) bapMux() *http.ServeMux {
	m := http.NewServeMux()
	const p = bapPrefix + "/environments"
	s.handle(m, apiBAP, "GET "+p, RouteBAPEnvironmentsList, s.listEnvironments)
	s.handle(m, apiBAP, "GET "+p+"/{env}", RouteBAPEnvironmentsGet, s.getEnvironment)
	s.handle(m, apiBAP, "/", routeUnknown, s.notFound)
	return m
}
