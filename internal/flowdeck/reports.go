package flowdeck

import "time"

// EnvError names an environment whose part of an answer is missing.
type EnvError struct {
	EnvironmentID string `json:"environmentId"`
	Name          string `json:"name"`
	// Err is the cause; Message and Code are what users and clients see.
	Err     error  `json:"-"`
	Message string `json:"message"`
	Code    string `json:"code"`
}

// FlowFailures is one flow's failures in a window.
type FlowFailures struct {
	Flow Flow `json:"flow"`
	// Count is the number of failed runs found (capped at MaxFailuresPerFlow; More says so).
	Count int  `json:"count"`
	More  bool `json:"more"`
	// Latest is the newest failed run; FailedAction its failing action, when fetched.
	Latest       Run     `json:"latest"`
	FailedAction *Action `json:"failedAction,omitempty"`
	// Starts are the start times of the failed runs found, newest first, for trends.
	Starts []time.Time `json:"-"`
}

// FailureReport is the answer of Failures.
type FailureReport struct {
	Since time.Time      `json:"since"`
	Flows []FlowFailures `json:"flows"`
	// Failing are flows suspended for failing continuously (not scanned for runs).
	Failing []Flow     `json:"failing,omitempty"`
	Partial []EnvError `json:"partial,omitempty"`
	// AsOf is when the oldest part of the answer was read: the query's
	// start, or earlier where it reused what another query of the user read.
	AsOf time.Time `json:"asOf"`
}

// FlowsReport lists flows across environments.
type FlowsReport struct {
	Flows   []Flow     `json:"flows"`
	Partial []EnvError `json:"partial,omitempty"`
}

// ApprovalsReport lists approvals across environments.
type ApprovalsReport struct {
	Approvals []Approval `json:"approvals"`
	Partial   []EnvError `json:"partial,omitempty"`
}

// RunPage is one page of a flow's runs, newest first; Next continues the
// same listing ("" on the last page).
type RunPage struct {
	Runs []Run  `json:"runs"`
	Next string `json:"next,omitempty"`
}

// FailedAction returns the action a failed run failed at: the last failed or
// timed-out action.
func FailedAction(actions []Action) (Action, bool) {
	for i := len(actions) - 1; i >= 0; i-- {
		if actions[i].Status == RunFailed || actions[i].Status == "TimedOut" {
			return actions[i], true
		}
	}
	return Action{}, false
}
