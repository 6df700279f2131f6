package powerplatform

import (
	"slices"
	"strings"
)

func (s *Server) appJSON(a *App, tid string) map[string]any {
	refs := map[string]any{}
	for _, conn := range a.Connectors {
		info := connectorOf(conn)
		refs[seqUUID("appref/"+a.Name+"/"+conn, 0, a.Created)] = map[string]any{
			"id": "/providers/microsoft.powerapps/apis/" + conn, "displayName": info.DisplayName,
			"apiTier": info.Tier, "isCustomApiConnection": false,
		}
	}
	return map[string]any{
		"name": a.Name, "id": powerAppsPrefix + "/apps/" + a.Name, "type": "Microsoft.PowerApps/apps",
		"tags": map[string]string{"primaryDeviceWidth": "1366", "primaryDeviceHeight": "768", "primaryFormFactor": "Tablet", "publisherVersion": "3.26021.12"},
		"properties": map[string]any{
			"appVersion": netTime(a.Modified), "lifeCycleId": "Published", "status": "Ready",
			"displayName": a.DisplayName, "description": a.Description,
			"owner": s.person(a.OwnerID, true), "createdBy": s.person(a.OwnerID, true),
			"createdTime": netTime(a.Created), "lastModifiedTime": netTime(a.Modified), "lastPublishTime": netTime(a.Modified),
			"appOpenUri":        "https://apps.powerapps.com/play/" + a.Name + "?tenantId=" + tid,
			"sharedGroupsCount": 0, "sharedUsersCount": len(a.SharedWith),
			"connectionReferences": refs,
			"environment":          map[string]any{"id": powerAppsPrefix + "/environments/" + a.Environment, "name": a.Environment},
		},
	}
}

func (s *Server) listApps(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeUser); aerr != nil {
		return reply{}, aerr
	}
	env, editable, ok := parseEnvFilter(c.r.URL.Query().Get("$filter"))
	if !ok {
		return reply{}, errBadFilter(c.r.URL.Query().Get("$filter"))
	}
	s.mu.Lock()
	var items []any
	var want *Environment
	if env != "" {
		if want = s.st.env(c.p.TenantID, env); want == nil {
			s.mu.Unlock()
			return reply{}, errEnvironmentDenied(env)
		}
	}
	for _, a := range s.st.apps {
		e := s.st.env(c.p.TenantID, a.Environment)
		switch {
		case e == nil, want != nil && e != want:
			continue
		case a.OwnerID != c.p.OID && (editable || !slices.Contains(a.SharedWith, c.p.OID)):
			continue
		}
		items = append(items, s.appJSON(a, c.p.TenantID))
	}
	s.mu.Unlock()
	return c.offsetPage(items)
}

func (s *Server) getApp(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeUser); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	name := c.r.PathValue("app")
	a := s.st.appIdx[strings.ToLower(name)]
	if a == nil || s.st.env(c.p.TenantID, a.Environment) == nil || (a.OwnerID != c.p.OID && !slices.Contains(a.SharedWith, c.p.OID)) {
		return reply{}, errAppNotFound(name)
	}
	return reply{status: 200, body: s.appJSON(a, c.p.TenantID)}, nil
}

func (s *Server) connectionJSON(cn *Connection) map[string]any {
	st := map[string]any{"status": cn.Status}
	if cn.Status == ConnectionError {
		st["target"] = cn.ErrorTarget
		st["error"] = errorDetail{Code: cn.ErrorCode, Message: cn.ErrorMessage}
	}
	owner := s.person(cn.OwnerID, true)
	owner["type"] = "User"
	return map[string]any{
		"name": cn.Name, "id": powerAppsPrefix + "/apis/" + cn.Connector + "/connections/" + cn.Name,
		"type": "Microsoft.PowerApps/apis/connections",
		"properties": map[string]any{
			"apiId": powerAppsPrefix + "/apis/" + cn.Connector, "displayName": owner["userPrincipalName"],
			"iconUri": connectorOf(cn.Connector).icon(cn.Connector), "statuses": []any{st},
			"connectionParametersSet": map[string]any{"name": "oauth", "values": map[string]any{}},
			"createdBy":               owner, "createdTime": netTime(cn.Created), "lastModifiedTime": netTime(cn.Modified),
			"environment": map[string]any{"id": powerAppsPrefix + "/environments/" + cn.Environment, "name": cn.Environment},
			"accountName": owner["userPrincipalName"], "allowSharing": false,
		},
	}
}

func (s *Server) listConnections(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeUser); aerr != nil {
		return reply{}, aerr
	}
	env, editable, ok := parseEnvFilter(c.r.URL.Query().Get("$filter"))
	if !ok || editable {
		return reply{}, errBadFilter(c.r.URL.Query().Get("$filter"))
	}
	api := c.r.PathValue("api")
	s.mu.Lock()
	var items []any
	var want *Environment
	if env != "" {
		if want = s.st.env(c.p.TenantID, env); want == nil {
			s.mu.Unlock()
			return reply{}, errEnvironmentDenied(env)
		}
	}
	for _, cn := range s.st.conns {
		e := s.st.env(c.p.TenantID, cn.Environment)
		switch {
		case e == nil, want != nil && e != want, cn.OwnerID != c.p.OID,
			api != "" && !strings.EqualFold(api, cn.Connector), cn.Connector == "shared_logicflows":
			continue
		}
		items = append(items, s.connectionJSON(cn))
	}
	s.mu.Unlock()
	return c.offsetPage(items)
}
