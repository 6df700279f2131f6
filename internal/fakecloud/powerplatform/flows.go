package powerplatform

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

func flowID(env, flow string) string { return flowPrefix + "/environments/" + env + "/flows/" + flow }

// flowJSON renders f; full adds the definition (E3).
func (c *call) flowJSON(f *Flow, full bool) map[string]any {
	trig := map[string]any{"type": f.Trigger.Type}
	if f.Trigger.Kind != "" {
		trig["kind"] = f.Trigger.Kind
	}
	if f.Trigger.OperationID != "" {
		trig["swaggerOperationId"] = f.Trigger.OperationID
		trig["api"] = map[string]any{"name": f.Trigger.Connector}
	}
	refs := map[string]any{}
	addRef := func(conn string) {
		if conn == "" {
			return
		}
		info := connectorOf(conn)
		refs[conn] = map[string]any{
			"connectionName": strings.ReplaceAll(conn, "_", "-") + "-" + uuid.NewSHA1(uuid.NameSpaceURL, []byte(f.OwnerID+conn)).String(),
			"source":         "Invoker", "id": "/providers/Microsoft.PowerApps/apis/" + conn,
			"displayName": info.DisplayName, "iconUri": info.icon(conn), "tier": info.Tier,
		}
	}
	addRef(f.Trigger.Connector)
	var acts []any
	for _, a := range f.Actions {
		m := map[string]any{"type": a.Type}
		if a.OperationID != "" {
			m["swaggerOperationId"] = a.OperationID
			m["api"] = map[string]any{"name": a.Connector}
		}
		acts = append(acts, m)
		addRef(a.Connector)
	}
	userType := "Owner"
	props := map[string]any{
		"apiId":                      "/providers/Microsoft.PowerApps/apis/shared_logicflows",
		"displayName":                f.DisplayName,
		"userType":                   userType,
		"state":                      f.State,
		"flowSuspensionReason":       cmp.Or(f.SuspensionReason, SuspensionNone),
		"createdTime":                netTime(f.Created),
		"lastModifiedTime":           netTime(f.Modified),
		"environment":                envRef(f.Environment),
		"definitionSummary":          map[string]any{"triggers": []any{trig}, "actions": acts},
		"connectionReferences":       refs,
		"creator":                    map[string]any{"tenantId": c.p.TenantID, "objectId": f.OwnerID, "userId": f.OwnerID, "userType": "ActiveDirectory"},
		"provisioningMethod":         "FromDefinition",
		"flowFailureAlertSubscribed": true,
		"isManaged":                  false,
		"templateName":               "",
	}
	if f.State == StateSuspended {
		props["flowSuspensionTime"] = netTime(f.SuspensionTime)
		props["flowSuspensionReasonDetails"] = suspensionDetails(f.SuspensionReason)
	}
	// A shared flow carries no sharing marker of its own: no source shows
	// one (unverified; the stricter reading). Clients learn it from the
	// search('team') listing.
	if f.Solution {
		props["sharingType"] = "CommonDataService"
		props["isSolutionAware"] = true
		props["solutionId"] = uuid.NewSHA1(uuid.NameSpaceOID, []byte("solution/"+f.Environment)).String()
		props["workflowEntityId"] = uuid.NewSHA1(uuid.NameSpaceOID, []byte("workflow/"+f.Name)).String()
	}
	if full {
		props["plan"] = "NotSpecified"
		props["definition"] = definitionJSON(f)
	}
	return map[string]any{"name": f.Name, "id": flowID(f.Environment, f.Name),
		"type": "Microsoft.ProcessSimple/environments/flows", "properties": props}
}

func suspensionDetails(reason string) string {
	switch reason {
	case SuspensionAlwaysFailingDetected:
		return "This flow has been turned off because it has been failing continuously for 14 days."
	case SuspensionCompanyDlpViolation:
		return "This flow has been suspended because it violates a data loss prevention (DLP) policy of your organization."
	}
	return ""
}

func definitionJSON(f *Flow) map[string]any {
	t := map[string]any{"type": f.Trigger.Type}
	switch {
	case f.Trigger.Type == "Recurrence":
		t["recurrence"] = map[string]any{"frequency": "Hour", "interval": max(1, int(f.Trigger.Interval.Hours()))}
	case f.Trigger.Kind != "":
		t["kind"] = f.Trigger.Kind
		t["inputs"] = map[string]any{"schema": map[string]any{"type": "object", "properties": map[string]any{}}}
	default:
		t["inputs"] = map[string]any{"host": map[string]any{"connectionName": f.Trigger.Connector, "operationId": f.Trigger.OperationID,
			"apiId": "/providers/Microsoft.PowerApps/apis/" + f.Trigger.Connector}}
	}
	acts := map[string]any{}
	prev := ""
	for _, a := range f.Actions {
		runAfter := map[string]any{}
		if prev != "" {
			runAfter[prev] = []string{"Succeeded"}
		}
		m := map[string]any{"runAfter": runAfter, "type": a.Type}
		if a.Connector != "" {
			m["inputs"] = map[string]any{"host": map[string]any{"connectionName": a.Connector, "operationId": a.OperationID,
				"apiId": "/providers/Microsoft.PowerApps/apis/" + a.Connector}}
		}
		if len(a.Secure) > 0 {
			// Secure inputs/outputs: Microsoft Learn, "Secure access and data in
			// Azure Logic Apps" (secure data in run history, runtimeConfiguration.secureData).
			m["runtimeConfiguration"] = map[string]any{"secureData": map[string]any{"properties": a.Secure}}
		}
		acts[a.Name] = m
		prev = a.Name
	}
	return map[string]any{
		"$schema":        "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
		"contentVersion": "1.0.0.0",
		"parameters": map[string]any{"$authentication": map[string]any{"defaultValue": map[string]any{}, "type": "SecureObject"},
			"$connections": map[string]any{"defaultValue": map[string]any{}, "type": "Object"}},
		"triggers": map[string]any{f.Trigger.Name: t},
		"actions":  acts,
	}
}

func (s *Server) listFlows(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsRead, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	q := c.r.URL.Query()
	var match func(*Flow) bool
	oid := c.p.OID
	// The listings as pnp/cli-microsoft365 docs/docs/cmd/flow/flow-list.mdx
	// describes them: no filter is every flow the user created, shared or
	// not; search('personal') those not shared; search('team') the flows
	// shared with the user or created by the user and shared with someone.
	switch filter := strings.ReplaceAll(q.Get("$filter"), `"`, "'"); filter {
	case "":
		match = func(f *Flow) bool { return f.OwnerID == oid }
	case "search('personal')":
		match = func(f *Flow) bool { return f.OwnerID == oid && len(f.SharedWith) == 0 }
	case "search('team')":
		match = func(f *Flow) bool { return visibleFlow(f, oid) && len(f.SharedWith) > 0 }
	default:
		return reply{}, errBadFilter(filter)
	}
	withSolutions := strings.Contains(q.Get("include"), "includeSolutionCloudFlows")
	m, aerr := c.marker()
	if aerr != nil {
		return reply{}, aerr
	}
	n, aerr := c.pageSize()
	if aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, aerr := c.flowEnv()
	if aerr != nil {
		return reply{}, aerr
	}
	fs := s.st.flowsByEnv[e.Name]
	i := 0
	if m != "" {
		i, _ = slices.BinarySearchFunc(fs, m, func(f *Flow, name string) int { return strings.Compare(f.Name, name) })
		if i < len(fs) && fs[i].Name == m {
			i++
		}
	}
	p := page{Value: []any{}}
	last := ""
	for ; i < len(fs); i++ {
		f := fs[i]
		if !match(f) || (f.Solution && !withSolutions) {
			continue
		}
		if len(p.Value) == n {
			p.NextLink = c.nextLink(last, false)
			break
		}
		p.Value = append(p.Value, c.flowJSON(f, false))
		last = f.Name
	}
	return reply{status: 200, body: p}, nil
}

// lookupFlow resolves env and flow visible to the caller. The caller holds s.mu.
func (c *call) lookupFlow() (*Flow, *apiError) {
	e, aerr := c.flowEnv()
	if aerr != nil {
		return nil, aerr
	}
	f := c.s.st.flows[flowKey(e.Name, c.r.PathValue("flow"))]
	if f == nil || !visibleFlow(f, c.p.OID) {
		return nil, errFlowDenied(c.p.OID, c.r.PathValue("flow"))
	}
	return f, nil
}

func (s *Server) getFlow(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsRead, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, aerr := c.lookupFlow()
	if aerr != nil {
		return reply{}, aerr
	}
	return reply{status: 200, body: c.flowJSON(f, true)}, nil
}

func (s *Server) startFlow(c *call) (reply, *apiError) { return s.setFlowState(c, StateStarted) }

func (s *Server) stopFlow(c *call) (reply, *apiError) { return s.setFlowState(c, StateStopped) }

func (s *Server) setFlowState(c *call, state string) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, aerr := c.lookupFlow()
	if aerr != nil {
		return reply{}, aerr
	}
	if aerr := changeState(f, state, s.now()); aerr != nil {
		return reply{}, aerr
	}
	return reply{status: 200}, nil
}

// changeState turns f on or off. A flow under a DLP policy, or suspended for
// a DLP violation, cannot start; one suspended for continuous failures starts
// (the maker fixed it).
func changeState(f *Flow, state string, now time.Time) *apiError {
	if state == StateStarted && (f.DLPPolicy != "" || f.State == StateSuspended && f.SuspensionReason == SuspensionCompanyDlpViolation) {
		return errFlowDlp(f.Name)
	}
	f.State = state
	f.SuspensionReason = SuspensionNone
	f.SuspensionTime = time.Time{}
	f.Modified = now
	return nil
}

func (s *Server) listTriggers(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsRead, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, aerr := c.lookupFlow()
	if aerr != nil {
		return reply{}, aerr
	}
	state := "Enabled"
	if f.State != StateStarted {
		state = "Disabled"
	}
	t := map[string]any{
		"name": f.Trigger.Name,
		"id":   flowID(f.Environment, f.Name) + "/triggers/" + f.Trigger.Name,
		"type": "Microsoft.ProcessSimple/environments/flows/triggers",
		"properties": map[string]any{"provisioningState": "Succeeded", "createdTime": netTime(f.Created),
			"changedTime": netTime(f.Modified), "state": state},
	}
	return reply{status: 200, body: page{Value: []any{t}}}, nil
}
