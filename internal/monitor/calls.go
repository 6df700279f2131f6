package monitor

import (
	"errors"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// flowCalls makes the one call per flow and cycle allowed besides the
// failed-runs query: the failed action of a new failure, the recovery check
// of an open card, or the idle check — whichever the first target needs;
// the others wait for the next cycle. Results are shared by every target.
type flowCalls struct {
	c    *cycle
	f    flowdeck.Flow
	used string

	action   flowdeck.Action
	actionOf string

	run   flowdeck.Run
	found bool
}

func (fc *flowCalls) allow(kind string) bool {
	if fc.used == "" {
		fc.used = kind
		return true
	}
	return fc.used == kind
}

// failedAction returns the action run failed at (zero when unknown or when
// the call was spent elsewhere).
func (fc *flowCalls) failedAction(run flowdeck.Run) (flowdeck.Action, error) {
	if fc.used != "" {
		if fc.used == "action" && fc.actionOf == run.ID {
			return fc.action, nil
		}
		return flowdeck.Action{}, nil
	}
	fc.used = "action"
	a, _, err := fc.c.m.o.Source.FailedAction(fc.c.ctx, fc.f.EnvironmentID, fc.f.ID, run.ID)
	if err != nil && !errors.Is(err, flowdeck.ErrNotFound) {
		return flowdeck.Action{}, err
	}
	fc.action, fc.actionOf = a, run.ID
	return a, nil
}

// recoveredAfter reports whether the flow succeeded in a run that started
// after t, and when.
func (fc *flowCalls) recoveredAfter(t time.Time) (bool, time.Time, error) {
	if fc.used != "recovery" {
		if !fc.allow("recovery") {
			return false, time.Time{}, nil
		}
		p, err := fc.c.m.o.Source.Runs(fc.c.ctx, fc.f.EnvironmentID, fc.f.ID, flowdeck.RunFilter{Status: flowdeck.RunSucceeded, Since: t, Top: 1}, "")
		if err != nil && !errors.Is(err, flowdeck.ErrNotFound) {
			return false, time.Time{}, err
		}
		if len(p.Runs) > 0 {
			fc.run, fc.found = p.Runs[0], true
		}
	}
	if !fc.found || !fc.run.StartTime.After(t) {
		return false, time.Time{}, nil
	}
	at := fc.run.EndTime
	if at.IsZero() {
		at = fc.run.StartTime
	}
	return true, at, nil
}

// latestRun returns the flow's latest run (zero when it never ran); ok is
// false when the call was spent elsewhere.
func (fc *flowCalls) latestRun() (flowdeck.Run, bool, error) {
	if fc.used != "latest" {
		if !fc.allow("latest") {
			return flowdeck.Run{}, false, nil
		}
		p, err := fc.c.m.o.Source.Runs(fc.c.ctx, fc.f.EnvironmentID, fc.f.ID, flowdeck.RunFilter{Top: 1}, "")
		if err != nil && !errors.Is(err, flowdeck.ErrNotFound) {
			return flowdeck.Run{}, false, err
		}
		if len(p.Runs) > 0 {
			fc.run, fc.found = p.Runs[0], true
		}
	}
	return fc.run, true, nil
}
