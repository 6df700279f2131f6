package ops

import (
	"context"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// AllFlows lists the user's flows in every environment (from the short
// overview cache when fresh), with the environments that failed; a list
// read live is kept as the user's flows snapshot, for Search.
func (s *Service) AllFlows(ctx context.Context) (flowdeck.FlowsReport, error) {
	return s.allFlows(ctx)
}

// PendingApprovals lists the approvals waiting for the user's answer, in
// every environment, newest first.
func (s *Service) PendingApprovals(ctx context.Context) (ApprovalsReport, error) {
	rep, err := s.overview.PendingApprovals(ctx)
	if err == nil {
		rep.Approvals = s.decorateApprovals(ctx, rep.Approvals)
	}
	return rep, err
}

// FailedAction returns the action a failed run failed at, in one call; ok is
// false when no action failed (a run cancelled, or failed in its trigger).
func (s *Service) FailedAction(ctx context.Context, env, flowID, runID string) (a flowdeck.Action, ok bool, err error) {
	actions, err := s.flows.RunActions(ctx, env, flowID, runID)
	if err != nil {
		return flowdeck.Action{}, false, err
	}
	a, ok = flowdeck.FailedAction(actions)
	return a, ok, nil
}
