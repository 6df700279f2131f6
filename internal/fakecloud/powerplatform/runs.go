package powerplatform

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

const markerLayout = "20060102T150405.0000000Z"

// runName builds a Logic Apps style run id ([0-9A-Z], 33 characters): the
// reversed start time, so newer runs sort first, then two salts.
func runName(t time.Time, a, b uint64) string {
	rev := uint64(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC).Sub(t.UTC()) / 100)
	return fmt.Sprintf("0858%016d%09dCU%02d", rev%1e16, a%1e9, b%100)
}

func runID(f *Flow, run string) string { return flowID(f.Environment, f.Name) + "/runs/" + run }

func (c *call) runJSON(f *Flow, r *Run, expand bool) map[string]any {
	trigStart := r.StartTime.Add(-350 * time.Millisecond)
	origin := r.Name
	if r.Resubmitted != "" {
		origin = r.Resubmitted
	}
	trig := map[string]any{
		"name":              f.Trigger.Name,
		"startTime":         netTime(trigStart),
		"endTime":           netTime(trigStart.Add(120 * time.Millisecond)),
		"scheduledTime":     netTime(trigStart),
		"originHistoryName": origin,
		"correlation":       map[string]any{"clientTrackingId": origin},
		"code":              "OK",
		"status":            RunSucceeded,
	}
	// The trigger's inputs and outputs, behind content links as the actions'
	// (the TriggerInputs/TriggerOutputs path is unverified: the stricter reading
	// is that FlowDeck only follows the link as given).
	for kind, key := range map[string]string{contentTriggerInputs: "inputsLink", contentTriggerOutputs: "outputsLink"} {
		trig[key] = c.s.signedLink(f, "/runs/"+r.Name+"/contents/"+kind, "/runs/"+r.Name+"/contents/"+kind, triggerContent(f, kind))
	}
	props := map[string]any{
		"startTime":   netTime(r.StartTime),
		"status":      r.Status,
		"correlation": map[string]any{"clientTrackingId": origin},
		"trigger":     trig,
	}
	if !r.EndTime.IsZero() {
		props["endTime"] = netTime(r.EndTime)
	}
	switch r.Status {
	case RunFailed:
		fl := f.Failure
		if r.Failure != nil {
			fl = *r.Failure
		}
		props["code"] = fl.Code
		props["error"] = errorDetail{Code: fl.Code, Message: fl.Message}
	case RunCancelled:
		props["code"] = "Cancelled"
	}
	if expand {
		acts := map[string]any{}
		for _, a := range runActions(f, r, c.s.now()) {
			acts[a.name] = c.s.actionProps(f, r, a)
		}
		props["actions"] = acts
	}
	return map[string]any{"name": r.Name, "id": runID(f, r.Name),
		"type": "Microsoft.ProcessSimple/environments/flows/runs", "properties": props}
}

func (s *Server) listRuns(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsRead, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	rf, ok := parseRunFilter(c.r.URL.Query().Get("$filter"))
	if !ok {
		return reply{}, errBadFilter(c.r.URL.Query().Get("$filter"))
	}
	m, aerr := c.marker()
	if aerr != nil {
		return reply{}, aerr
	}
	var mt time.Time
	var mname string
	if m != "" {
		ts, name, _ := strings.Cut(m, "-")
		t, err := time.Parse(markerLayout, ts)
		if err != nil || name == "" {
			return reply{}, errBadRequest("InvalidSkipToken", "The skip token is not valid.")
		}
		mt, mname = t, name
	}
	n, aerr := c.pageSize()
	if aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(s.now())
	f, aerr := c.lookupFlow()
	if aerr != nil {
		return reply{}, aerr
	}
	runs := f.Runs
	hi := len(runs)
	if !rf.to.IsZero() {
		hi, _ = slices.BinarySearchFunc(runs, rf.to, func(r *Run, t time.Time) int { return r.StartTime.Compare(t) })
	}
	if m != "" {
		j, _ := slices.BinarySearchFunc(runs, &Run{StartTime: mt, Name: mname}, compareRuns)
		hi = min(hi, j)
	}
	p := page{Value: make([]any, 0, min(n, hi))}
	var last *Run
	for i := hi - 1; i >= 0; i-- {
		r := runs[i]
		if !rf.from.IsZero() && r.StartTime.Before(rf.from) {
			break
		}
		if !rf.match(r) {
			continue
		}
		if len(p.Value) == n {
			p.NextLink = c.nextLink(last.StartTime.UTC().Format(markerLayout)+"-"+last.Name, true)
			break
		}
		p.Value = append(p.Value, c.runJSON(f, r, false))
		last = r
	}
	return reply{status: 200, body: p}, nil
}

// lookupRun resolves the path's run. The caller holds s.mu.
func (c *call) lookupRun() (*Flow, *Run, *apiError) {
	f, aerr := c.lookupFlow()
	if aerr != nil {
		return nil, nil, aerr
	}
	r := c.s.st.runIdx[f][c.r.PathValue("run")]
	if r == nil {
		return nil, nil, errRunNotFound(f.Name, c.r.PathValue("run"))
	}
	return f, r, nil
}

func (s *Server) getRun(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsRead, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	expand := strings.Contains(strings.ToLower(c.r.URL.Query().Get("$expand")), "properties/actions")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(s.now())
	f, r, aerr := c.lookupRun()
	if aerr != nil {
		return reply{}, aerr
	}
	return reply{status: 200, body: c.runJSON(f, r, expand)}, nil
}

func (s *Server) cancelRun(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(s.now())
	_, r, aerr := c.lookupRun()
	if aerr != nil {
		return reply{}, aerr
	}
	if r.Status != RunRunning {
		return reply{}, errRunNotInProgress(r.Name)
	}
	r.Status, r.EndTime = RunCancelled, s.now()
	delete(s.st.timed, r)
	return reply{status: 200}, nil
}

func (s *Server) resubmitRun(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.st.advance(now)
	f, r, aerr := c.lookupRun()
	if aerr != nil {
		return reply{}, aerr
	}
	if !strings.EqualFold(c.r.PathValue("trigger"), f.Trigger.Name) {
		return reply{}, errTriggerNotFound(f.Name, c.r.PathValue("trigger"))
	}
	if r.Status == RunRunning {
		return reply{}, errRunInProgress(r.Name)
	}
	s.resubmit(f, r, now)
	return reply{status: 202}, nil
}

// resubmit starts a new run of f for orig. The caller holds s.mu.
func (s *Server) resubmit(f *Flow, orig *Run, now time.Time) *Run {
	s.seq++
	status := RunSucceeded
	if f.FailRate >= 0.5 {
		status = RunFailed
	}
	nr := &Run{Name: runName(now, s.seq*7919, s.seq), StartTime: now, Status: RunRunning,
		PlannedEnd: now.Add(max(f.Duration, time.Second)), PlannedStatus: status, Resubmitted: orig.Name}
	s.st.addRun(f, nr)
	return nr
}
