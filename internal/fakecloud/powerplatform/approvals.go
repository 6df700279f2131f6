package powerplatform

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"
)

func approvalID(a *Approval) string {
	return flowPrefix + "/environments/" + a.Environment + "/approvals/" + a.Name
}

// person renders a user reference; full adds displayName (principals).
func (s *Server) person(id string, full bool) map[string]any {
	u, ok := s.st.users[id]
	m := map[string]any{"id": id, "type": "NotSpecified", "tenantId": u.TenantID}
	if ok {
		m["email"], m["userPrincipalName"] = u.UPN, u.UPN
		if full {
			m["displayName"], m["type"] = u.Name, "User"
		}
	}
	return m
}

func (s *Server) approvalViewJSON(a *Approval, oid, askedRole string) map[string]any {
	var roles []string
	if a.OwnerID == oid {
		roles = append(roles, "Owner")
	}
	if slices.Contains(a.Approvers, oid) {
		roles = append(roles, "Approver")
	}
	role := askedRole
	if role == "" && len(roles) > 0 {
		role = roles[0]
	}
	principals := []any{s.person(a.OwnerID, true)}
	for _, id := range a.Approvers {
		if id != a.OwnerID {
			principals = append(principals, s.person(id, true))
		}
	}
	props := map[string]any{
		"type": a.Type, "isActive": a.Status == ApprovalPending, "userRoles": roles, "userRole": role,
		"title": a.Title, "details": a.Details, "allowCancel": true, "enableNotifications": true,
		"creationDate": netTime(a.Created), "dueDate": nil, "expirationDate": netTime(a.Expiration),
		"priority": a.Priority, "requestType": requestType(a), "currentStepNumber": 0,
		"owner": s.person(a.OwnerID, false), "approvers": a.Approvers, "principals": principals,
		"status": a.Status,
	}
	// The response options travel only in userRequest, the caller's own
	// request as an approver (the IApprovalView model of
	// pnp/sp-dev-fx-webparts react-my-approvals; powerplatform-api.md E11).
	// One client reads a top-level responseOptions too (unverified): the
	// fake leaves it out, the stricter reading.
	if slices.Contains(a.Approvers, oid) {
		props["userRequest"] = map[string]any{
			"stage": "Basic", "creationDate": netTime(a.Created), "dueDate": nil, "expirationDate": netTime(a.Expiration),
			"assignedTo": s.person(oid, false), "allowReassignment": true, "isReassigned": false,
			"stepNumber": 0,
		}
		if len(a.Options) > 0 {
			props["userRequest"].(map[string]any)["responseOptions"] = a.Options
		}
	}
	if a.Status == ApprovalCompleted {
		props["result"], props["completionDate"] = a.Result, netTime(a.Completed)
	}
	return map[string]any{"name": a.Name, "id": approvalID(a), "type": "Microsoft.ProcessSimple/environments/approvals", "properties": props}
}

func requestType(a *Approval) string {
	if a.Type == ApprovalCustom || a.Type == ApprovalCustomAwaitAll {
		return "Custom"
	}
	return "Basic"
}

func (s *Server) approvalJSON(a *Approval) map[string]any {
	var result, completed any
	if a.Status == ApprovalCompleted {
		result, completed = a.Result, netTime(a.Completed)
	}
	return map[string]any{"name": a.Name, "id": approvalID(a), "type": "Microsoft.ProcessSimple/environments/approvals",
		"properties": map[string]any{
			"title": a.Title, "details": a.Details, "stage": "Basic", "status": a.Status, "result": result,
			"type": a.Type, "creationDate": netTime(a.Created), "dueDate": nil, "expirationDate": netTime(a.Expiration),
			"completionDate": completed, "allowCancel": true, "allowReassign": true, "priority": a.Priority,
			"requestType": requestType(a), "attachments": []any{}, "textAttachments": []any{},
			"owner": s.person(a.OwnerID, false), "creator": s.person(a.OwnerID, false),
			// No response options here: the IApprovalDetail model of approvals/{id}
			// has none (powerplatform-api.md E13; unverified, the stricter reading).
			"approvers": a.Approvers,
		}}
}

func (s *Server) responseJSON(a *Approval, r *ApprovalResponse) map[string]any {
	return map[string]any{"name": r.Name, "id": approvalID(a) + "/approvalResponses/" + r.Name,
		"type": "/providers/Microsoft.ProcessSimple/environments/approvals/approvalResponses",
		"properties": map[string]any{"stage": "Basic", "status": "Committed", "creationDate": netTime(r.Created),
			"owner": s.person(r.UserID, false), "response": r.Response, "comments": r.Comments}}
}

func (s *Server) listApprovalViews(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeApprovalsRead, ScopeApprovalsManage); aerr != nil {
		return reply{}, aerr
	}
	af, ok := parseApprovalFilter(c.r.URL.Query().Get("$filter"))
	if !ok {
		return reply{}, errBadFilter(c.r.URL.Query().Get("$filter"))
	}
	s.mu.Lock()
	e, aerr := c.flowEnv()
	if aerr != nil {
		s.mu.Unlock()
		return reply{}, aerr
	}
	oid := c.p.OID
	var items []any
	for _, a := range s.st.apprByEnv[e.Name] {
		isOwner, isApprover := a.OwnerID == oid, slices.Contains(a.Approvers, oid)
		switch {
		case af.role == "Owner" && !isOwner, af.role == "Approver" && !isApprover, !isOwner && !isApprover:
			continue
		case af.active != nil && *af.active != (a.Status == ApprovalPending):
			continue
		}
		items = append(items, s.approvalViewJSON(a, oid, af.role))
	}
	s.mu.Unlock()
	if af.descending {
		slices.Reverse(items)
	}
	return c.offsetPage(items)
}

// lookupApproval resolves the path's approval visible to the caller. The caller holds s.mu.
func (c *call) lookupApproval() (*Approval, *apiError) {
	e, aerr := c.flowEnv()
	if aerr != nil {
		return nil, aerr
	}
	name := c.r.PathValue("approval")
	a := c.s.st.approvals[strings.ToLower(name)]
	if a == nil || a.Environment != e.Name || (a.OwnerID != c.p.OID && !slices.Contains(a.Approvers, c.p.OID)) {
		return nil, errApprovalNotFound(name)
	}
	return a, nil
}

func (s *Server) getApproval(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeApprovalsRead, ScopeApprovalsManage); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, aerr := c.lookupApproval()
	if aerr != nil {
		return reply{}, aerr
	}
	return reply{status: 200, body: s.approvalJSON(a)}, nil
}

func (s *Server) listApprovalResponses(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeApprovalsRead, ScopeApprovalsManage); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, aerr := c.lookupApproval()
	if aerr != nil {
		return reply{}, aerr
	}
	p := page{Value: []any{}}
	for _, r := range a.Responses {
		p.Value = append(p.Value, s.responseJSON(a, r))
	}
	return reply{status: 200, body: p}, nil
}

type responseBody struct {
	Response   string `json:"response"`
	Comments   string `json:"comments"`
	Properties *struct {
		Response string `json:"response"`
		Comments string `json:"comments"`
	} `json:"properties"`
}

func (s *Server) respondApproval(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeApprovalsManage); aerr != nil {
		return reply{}, aerr
	}
	raw, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
	var body responseBody
	if err == nil {
		err = json.Unmarshal(raw, &body)
	}
	if err != nil {
		return reply{}, errBadRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized.")
	}
	resp, comments := body.Response, body.Comments
	if body.Properties != nil {
		resp, comments = body.Properties.Response, body.Properties.Comments
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, aerr := c.lookupApproval()
	if aerr != nil {
		return reply{}, aerr
	}
	r, aerr := s.respond(a, c.p.OID, resp, comments, s.now())
	if aerr != nil {
		return reply{}, aerr
	}
	return reply{status: 201, body: s.responseJSON(a, r)}, nil
}

// respond records oid's response and completes a according to its type:
// first to respond completes Basic and Custom; BasicAwaitAll completes on the
// first Reject or when everyone approved; CustomAwaitAll when everyone
// answered. The caller holds s.mu.
func (s *Server) respond(a *Approval, oid, response, comments string, now time.Time) (*ApprovalResponse, *apiError) {
	if a.Status == ApprovalCompleted {
		return nil, errApprovalCompleted(a.Name)
	}
	if !slices.Contains(a.Approvers, oid) {
		return nil, errNotAnApprover(a.Name, oid)
	}
	for _, r := range a.Responses {
		if r.UserID == oid {
			return nil, errAlreadyResponded(a.Name, oid)
		}
	}
	i := slices.IndexFunc(a.Options, func(o string) bool { return strings.EqualFold(o, response) })
	if i < 0 {
		return nil, errBadResponse(response, a.Options)
	}
	s.seq++
	r := &ApprovalResponse{Name: seqUUID("response", s.seq, now), UserID: oid, Response: a.Options[i], Comments: comments, Created: now}
	a.Responses = append(a.Responses, r)
	applyResponses(a, now)
	return r, nil
}

// applyResponses completes a when its responses settle it.
func applyResponses(a *Approval, now time.Time) {
	if len(a.Responses) == 0 {
		return
	}
	last := a.Responses[len(a.Responses)-1].Response
	all := len(a.Responses) >= len(a.Approvers)
	switch a.Type {
	case ApprovalBasicAwaitAll:
		switch {
		case last == "Reject":
			a.Status, a.Result = ApprovalCompleted, "Reject"
		case all:
			a.Status, a.Result = ApprovalCompleted, "Approve"
		}
	case ApprovalCustomAwaitAll:
		if all {
			var got []string
			for _, o := range a.Options {
				if slices.ContainsFunc(a.Responses, func(r *ApprovalResponse) bool { return r.Response == o }) {
					got = append(got, o)
				}
			}
			a.Status, a.Result = ApprovalCompleted, strings.Join(got, ", ")
		}
	default:
		a.Status, a.Result = ApprovalCompleted, last
	}
	if a.Status == ApprovalCompleted {
		a.Completed = now
	}
}
