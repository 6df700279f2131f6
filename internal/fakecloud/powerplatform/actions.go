package powerplatform

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// actionView is one action of a run, derived from the flow and the run.
type actionView struct {
	name         string
	def          Action
	start, end   time.Time
	status, code string
	err          *errorDetail
	// failure is a failed action's own error: in err for a built-in action,
	// only in the outputs (outputsLink) for a connector action.
	failure *actionFailure
}

type actionFailure struct{ code, message string }

// hasContent reports whether the action has inputs (it started) or outputs
// (it ended, and was not skipped).
func (a actionView) hasContent(kind string) bool {
	if a.status == "Skipped" {
		return false
	}
	if kind == contentOutputs {
		return !a.end.IsZero()
	}
	return true
}

// actionProps renders an action's properties. A failed connector action
// carries no properties.error: its error is in the outputs, behind
// outputsLink, the usual case for connector actions (issue 15; E7/E7b).
// The caller holds s.mu.
func (s *Server) actionProps(f *Flow, r *Run, a actionView) map[string]any {
	p := map[string]any{
		"startTime": netTime(a.start),
		"status":    a.status,
		"code":      a.code,
		"correlation": map[string]any{
			"actionTrackingId": uuid.NewSHA1(uuid.NameSpaceOID, []byte(r.Name+"/"+a.name)).String(),
			"clientTrackingId": r.Name,
		},
	}
	if !a.end.IsZero() {
		p["endTime"] = netTime(a.end)
	}
	if a.err != nil {
		p["error"] = *a.err
	}
	for _, kind := range []string{contentInputs, contentOutputs} {
		if !a.hasContent(kind) {
			continue
		}
		key := map[string]string{contentInputs: "inputsLink", contentOutputs: "outputsLink"}[kind]
		if part := securePart(kind); a.secure(kind) {
			// Secured content: the link carries secureData and no uri. The
			// Logic Apps designer treats secureData on the link as secured
			// (Azure/LogicAppsUX monitoringTab/inputsPanel.tsx); that the uri
			// is then absent is unverified (the stricter reading).
			p[key] = map[string]any{"secureData": map[string]any{"properties": []string{part}}}
			continue
		}
		p[key] = s.contentLink(f, r, a.name, kind, actionContent(f, a, kind))
	}
	return p
}

// securePart is the runtimeConfiguration.secureData.properties entry of a content kind.
func securePart(kind string) string {
	if kind == contentInputs {
		return "inputs"
	}
	return "outputs"
}

// secure reports whether the action's definition keeps kind secure.
func (a actionView) secure(kind string) bool { return slices.Contains(a.def.Secure, securePart(kind)) }

// runActions derives the actions of r: those before the failing (or
// current) action succeeded, it failed (or runs, or was cancelled), the
// following ones were skipped after a failure and have not started otherwise.
func runActions(f *Flow, r *Run, now time.Time) []actionView {
	n := len(f.Actions)
	if n == 0 {
		return nil
	}
	end := r.EndTime
	if end.IsZero() {
		end = now
	}
	start := r.StartTime.Add(150 * time.Millisecond)
	slot := max(end.Sub(start)/time.Duration(n), time.Millisecond)
	k := n
	switch r.Status {
	case RunFailed:
		k = n - 1
		fl := f.Failure
		if r.Failure != nil {
			fl = *r.Failure
		}
		for i, a := range f.Actions {
			if a.Name == fl.Action {
				k = i
			}
		}
	case RunRunning, RunCancelled:
		k = n / 2
		for i, a := range f.Actions {
			if a.Type == "OpenApiConnectionWebhook" {
				k = i
				break
			}
		}
	}
	var out []actionView
	for i, a := range f.Actions {
		v := actionView{name: a.Name, def: a, start: start.Add(time.Duration(i) * slot)}
		v.end = v.start.Add(slot - slot/10)
		switch {
		case i < k:
			v.status, v.code = RunSucceeded, "OK"
		case i == k && r.Status == RunFailed:
			fl := f.Failure
			if r.Failure != nil {
				fl = *r.Failure
			}
			v.status, v.code = RunFailed, cmp.Or(fl.ActionCode, fl.Code)
			v.failure = &actionFailure{code: v.code, message: cmp.Or(fl.ActionMessage, fl.Message)}
			if a.Connector == "" {
				v.err = &errorDetail{Code: v.code, Message: v.failure.message}
			}
		case i == k && r.Status == RunRunning:
			v.status, v.code, v.end = RunRunning, "NotSpecified", time.Time{}
		case i == k && r.Status == RunCancelled:
			v.status, v.code, v.end = RunCancelled, "Cancelled", r.EndTime
		case r.Status == RunFailed:
			prevStatus := "Failed"
			if i > k+1 {
				prevStatus = "Skipped"
			}
			v.start, v.end = r.EndTime, r.EndTime
			v.status, v.code = "Skipped", "ActionSkipped"
			v.err = &errorDetail{Code: "ActionConditionFailed", Message: fmt.Sprintf(
				"The execution of template action '%s' is skipped: the 'runAfter' condition for action '%s' is not satisfied. Expected status values 'Succeeded' and actual value '%s'.",
				a.Name, f.Actions[i-1].Name, prevStatus)}
		default:
			continue
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) actionJSON(f *Flow, r *Run, a actionView) map[string]any {
	return map[string]any{"name": a.name, "id": runID(f, r.Name) + "/actions/" + a.name,
		"type": "Microsoft.ProcessSimple/environments/flows/runs/actions", "properties": s.actionProps(f, r, a)}
}

func (s *Server) listActions(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsRead, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(s.now())
	f, r, aerr := c.lookupRun()
	if aerr != nil {
		return reply{}, aerr
	}
	// The list comes in name order, not run order: no source says the
	// service orders it by time (unverified; the stricter reading).
	acts := runActions(f, r, s.now())
	slices.SortFunc(acts, func(a, b actionView) int { return strings.Compare(a.name, b.name) })
	p := page{Value: []any{}}
	for _, a := range acts {
		p.Value = append(p.Value, s.actionJSON(f, r, a))
	}
	return reply{status: 200, body: p}, nil
}

func (s *Server) getAction(c *call) (reply, *apiError) {
	if aerr := requireScope(c.p, ScopeFlowsRead, ScopeFlowsManage); aerr != nil {
		return reply{}, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(s.now())
	f, r, aerr := c.lookupRun()
	if aerr != nil {
		return reply{}, aerr
	}
	for _, a := range runActions(f, r, s.now()) {
		if a.name == c.r.PathValue("action") {
			return reply{status: 200, body: s.actionJSON(f, r, a)}, nil
		}
	}
	return reply{}, errActionNotFound(f.Name, r.Name, c.r.PathValue("action"))
}
