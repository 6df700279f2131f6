package ops

import (
	"context"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ApprovalsReport is approvals of every environment, with the environments that failed.
type ApprovalsReport = flowdeck.ApprovalsReport

// Approvals lists received (role flowdeck.RoleApprover) or sent
// (flowdeck.RoleOwner) approvals across environments, pending or not.
func (s *Service) Approvals(ctx context.Context, role string, active bool) (ApprovalsReport, error) {
	if role != flowdeck.RoleApprover && role != flowdeck.RoleOwner {
		return ApprovalsReport{}, flowdeck.Errorf(flowdeck.ErrInvalid, "Show received or sent approvals.")
	}
	rep, err := s.overview.Approvals(ctx, role, active)
	if err == nil {
		rep.Approvals = s.decorateApprovals(ctx, rep.Approvals)
	}
	return rep, err
}

// Approval returns one approval with everyone's responses, people named.
func (s *Service) Approval(ctx context.Context, env, id string) (flowdeck.Approval, error) {
	a, err := s.flows.Approval(ctx, env, id)
	if err != nil {
		return a, err
	}
	return s.decorateApproval(ctx, a), nil
}

// Respond answers an approval as the user and returns it as it is now. An
// approval already completed elsewhere is ErrConflict with a sentence that
// says so; the caller shows the approval's final state.
func (s *Service) Respond(ctx context.Context, env, id, response, comments string) (flowdeck.Approval, error) {
	if err := s.flows.Respond(ctx, env, id, response, comments); err != nil {
		return flowdeck.Approval{}, err
	}
	return s.Approval(ctx, env, id)
}
