package powerplatform

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// RunSpec describes a run added by AddRun.
type RunSpec struct {
	// Status is Failed (default), Succeeded, Cancelled or Running.
	Status string
	// Start defaults to now; Duration (default the flow's) sets the end.
	Start    time.Time
	Duration time.Duration
	// Failure defaults to the flow's typical failure for a Failed run.
	Failure *Failure
}

// helperFlow finds a flow by environment and name. The caller holds s.mu.
func (s *Server) helperFlow(env, flow string) (*Flow, error) {
	e := s.st.envAny(env)
	if e == nil {
		return nil, fmt.Errorf("environment %q: %w", env, ErrNotFound)
	}
	f := s.st.flows[flowKey(e.Name, flow)]
	if f == nil {
		return nil, fmt.Errorf("flow %q: %w", flow, ErrNotFound)
	}
	return f, nil
}

// AddRun adds a run to a flow (by default a run that failed just now, for
// monitor tests) and returns its name. A Running run stays Running until
// cancelled or CompleteRuns.
func (s *Server) AddRun(env, flow string, spec RunSpec) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.helperFlow(env, flow)
	if err != nil {
		return "", err
	}
	now := s.now()
	if spec.Status == "" {
		spec.Status = RunFailed
	}
	if spec.Start.IsZero() {
		spec.Start = now
	}
	if spec.Duration <= 0 {
		spec.Duration = max(f.Duration, time.Second)
	}
	s.seq++
	r := &Run{Name: runName(spec.Start, s.seq*104729, s.seq), StartTime: spec.Start, Status: spec.Status}
	switch spec.Status {
	case RunRunning:
		r.PlannedStatus = RunSucceeded
	case RunFailed:
		fl := f.Failure
		if spec.Failure != nil {
			fl = *spec.Failure
		}
		r.Failure = &fl
		r.EndTime = spec.Start.Add(spec.Duration)
	case RunSucceeded, RunCancelled:
		r.EndTime = spec.Start.Add(spec.Duration)
	default:
		return "", fmt.Errorf("status %q: %w", spec.Status, ErrInvalid)
	}
	s.st.addRun(f, r)
	return r.Name, nil
}

// CompleteRuns finishes every Running run now, with its planned status
// (Succeeded unless the flow fails), and returns how many it finished.
func (s *Server) CompleteRuns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.st.advance(now)
	n := 0
	for _, f := range s.st.flows {
		for _, r := range f.Runs {
			if r.Status == RunRunning {
				finishRun(f, r, now)
				delete(s.st.timed, r)
				n++
			}
		}
	}
	return n
}

// RespondElsewhere records userID's response as if given in Outlook or Teams,
// completing the approval according to its type. It returns ErrNotFound,
// ErrConflict (completed, or already answered by userID) or ErrInvalid (not an
// approver, unknown response option).
func (s *Server) RespondElsewhere(approvalID, userID, response, comments string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.approvals[strings.ToLower(approvalID)]
	if a == nil {
		return fmt.Errorf("approval %q: %w", approvalID, ErrNotFound)
	}
	if _, aerr := s.respond(a, userID, response, comments, s.now()); aerr != nil {
		return fmt.Errorf("approval %q: %w", approvalID, aerr)
	}
	return nil
}

// FlowState returns a flow's state and suspension reason.
func (s *Server) FlowState(env, flow string) (state, reason string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.helperFlow(env, flow)
	if err != nil {
		return "", "", err
	}
	return f.State, f.SuspensionReason, nil
}

// SetDLPPolicy puts a flow under the named data loss prevention policy
// (policy "" lifts it): from then on turning it on is refused with 403
// DlpViolation, as the real service does.
func (s *Server) SetDLPPolicy(env, flow, policy string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.helperFlow(env, flow)
	if err != nil {
		return err
	}
	f.DLPPolicy = policy
	return nil
}

// Run returns a copy of one run, after completing the runs whose time has come.
func (s *Server) Run(env, flow, run string) (Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.advance(s.now())
	f, err := s.helperFlow(env, flow)
	if err != nil {
		return Run{}, err
	}
	r := s.st.runIdx[f][run]
	if r == nil {
		return Run{}, fmt.Errorf("run %q: %w", run, ErrNotFound)
	}
	return *r, nil
}

// Approval returns a copy of one approval (its responses cloned).
func (s *Server) Approval(approvalID string) (Approval, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.st.approvals[strings.ToLower(approvalID)]
	if a == nil {
		return Approval{}, fmt.Errorf("approval %q: %w", approvalID, ErrNotFound)
	}
	cp := *a
	cp.Approvers = slices.Clone(a.Approvers)
	cp.Options = slices.Clone(a.Options)
	cp.Responses = nil
	for _, r := range a.Responses {
		rc := *r
		cp.Responses = append(cp.Responses, &rc)
	}
	return cp, nil
}

// SetFlowState turns a flow on (Started), off (Stopped) or suspends it with
// reason, as an admin or the platform would outside FlowDeck, for monitor
// tests. The flow's Modified (and SuspensionTime) become now.
func (s *Server) SetFlowState(env, flow, state, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.helperFlow(env, flow)
	if err != nil {
		return err
	}
	now := s.now()
	switch state {
	case "Started", "Stopped":
		f.State, f.SuspensionReason, f.SuspensionTime = state, "", time.Time{}
	case "Suspended":
		f.State, f.SuspensionReason, f.SuspensionTime = state, reason, now
	default:
		return fmt.Errorf("state %q: %w", state, ErrInvalid)
	}
	f.Modified = now
	return nil
}

// AddApproval adds a pending approval (as a flow's "Start and wait for an
// approval" action would) and returns its name. Name, Created, Status and
// Options default to a new GUID, now, Pending and Approve/Reject.
func (s *Server) AddApproval(a Approval) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.st.envAny(a.Environment)
	if e == nil {
		return "", fmt.Errorf("environment %q: %w", a.Environment, ErrNotFound)
	}
	a.Environment = e.Name
	if a.Name == "" {
		s.seq++
		a.Name = fmt.Sprintf("%08x-0000-4000-8000-%012x", s.seq, s.seq*7919)
	}
	if _, dup := s.st.approvals[strings.ToLower(a.Name)]; dup {
		return "", fmt.Errorf("approval %q: %w", a.Name, ErrConflict)
	}
	if a.Created.IsZero() {
		a.Created = s.now()
	}
	if a.Status == "" {
		a.Status = "Pending"
	}
	if a.Type == "" {
		a.Type = "Basic"
	}
	if len(a.Options) == 0 && (a.Type == ApprovalBasic || a.Type == ApprovalBasicAwaitAll) {
		a.Options = []string{"Approve", "Reject"}
	}
	p := &a
	s.st.approvals[strings.ToLower(p.Name)] = p
	s.st.apprByEnv[p.Environment] = append(s.st.apprByEnv[p.Environment], p)
	return p.Name, nil
}
