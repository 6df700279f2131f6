package powerplatform

import (
	"strings"
	"time"
)

// netTime formats t like the services do (.NET round-trip, 7 fraction digits).
func netTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }

func envProvider(api string) string {
	switch api {
	case apiPowerApps:
		return "Microsoft.PowerApps"
	case apiBAP:
		return "Microsoft.BusinessAppPlatform"
	}
	return "Microsoft.ProcessSimple"
}

func envRef(env string) map[string]any {
	return map[string]any{"name": env, "type": "Microsoft.ProcessSimple/environments",
		"id": flowPrefix + "/environments/" + env}
}

func (c *call) envJSON(e *Environment) map[string]any {
	prov := envProvider(c.api)
	region := map[string]string{"europe": "westeurope", "unitedstates": "westus"}[e.Location]
	props := map[string]any{
		"displayName":       e.DisplayName,
		"createdTime":       netTime(e.Created),
		"createdBy":         map[string]any{"id": "SYSTEM", "displayName": "SYSTEM", "type": "NotSpecified"},
		"provisioningState": "Succeeded",
		"creationType":      map[bool]string{true: "DefaultTenant", false: "User"}[e.IsDefault],
		"environmentSku":    e.SKU,
		"environmentType":   map[bool]string{true: "NotSpecified", false: "Production"}[e.SKU == "Developer"],
		"isDefault":         e.IsDefault,
		"azureRegionHint":   region,
		"runtimeEndpoints": map[string]string{
			"microsoft.BusinessAppPlatform": "https://" + e.Location + ".api.bap.microsoft.com",
			"microsoft.CommonDataModel":     "https://" + e.Location + ".api.cds.microsoft.com",
			"microsoft.PowerApps":           "https://" + e.Location + ".api.powerapps.com",
			"microsoft.Flow":                "https://" + e.Location + ".api.flow.microsoft.com",
		},
	}
	if e.SKU == "Sandbox" {
		props["environmentType"] = "NotSpecified"
	}
	if c.api == apiBAP {
		props["tenantId"] = e.TenantID
		props["states"] = map[string]any{"management": map[string]string{"id": "Ready"}, "runtime": map[string]string{"id": "Enabled"}}
		if e.InstanceURL != "" && strings.Contains(c.r.URL.Query().Get("$expand"), "properties/linkedEnvironmentMetadata") {
			props["linkedEnvironmentMetadata"] = map[string]any{
				"instanceUrl": e.InstanceURL, "instanceApiUrl": strings.TrimSuffix(e.InstanceURL, "/") + "/api/data/v9.2",
				"friendlyName": e.DisplayName, "version": "9.2.26021.00152", "instanceState": "Ready",
			}
		}
	}
	return map[string]any{
		"name":       e.Name,
		"location":   e.Location,
		"type":       prov + "/environments",
		"id":         "/providers/" + prov + "/environments/" + e.Name,
		"properties": props,
	}
}

func (c *call) envScope() *apiError {
	if c.api == apiFlow {
		return requireScope(c.p, ScopeFlowsRead, ScopeFlowsManage)
	}
	return requireScope(c.p, ScopeUser)
}

func (s *Server) listEnvironments(c *call) (reply, *apiError) {
	if aerr := c.envScope(); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	var items []any
	for _, e := range s.st.envList {
		if e.TenantID == c.p.TenantID {
			items = append(items, c.envJSON(e))
		}
	}
	s.mu.Unlock()
	return c.offsetPage(items)
}

func (s *Server) getEnvironment(c *call) (reply, *apiError) {
	if aerr := c.envScope(); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.st.env(c.p.TenantID, c.r.PathValue("env"))
	if e == nil {
		return reply{}, errEnvironmentDenied(c.r.PathValue("env"))
	}
	return reply{status: 200, body: c.envJSON(e)}, nil
}

// flowEnv resolves the path's environment for a Flow RP call. The caller holds s.mu.
func (c *call) flowEnv() (*Environment, *apiError) {
	e := c.s.st.env(c.p.TenantID, c.r.PathValue("env"))
	if e == nil {
		return nil, errEnvironmentDenied(c.r.PathValue("env"))
	}
	return e, nil
}
