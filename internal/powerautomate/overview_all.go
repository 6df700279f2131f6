package powerautomate

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Environments lists the user's environments, from the short-lived cache when fresh.
func (ov *Overview) Environments(ctx context.Context) ([]flowdeck.Environment, error) {
	envs, err := ov.environments(ctx)
	return slices.Clone(envs), err
}

// AllFlows lists every flow the user can see, in every environment, sorted by
// environment and name; the lists come from the short-lived cache when fresh.
func (ov *Overview) AllFlows(ctx context.Context) (FlowsReport, error) {
	var (
		rep FlowsReport
		mu  sync.Mutex
	)
	partial, err := ov.forEachEnv(ctx, func(ctx context.Context, e flowdeck.Environment, sem chan struct{}) error {
		if err := acquire(ctx, sem); err != nil {
			return err
		}
		defer func() { <-sem }()
		fs, err := ov.flows(ctx, e.ID)
		if err != nil {
			return err
		}
		mu.Lock()
		rep.Flows = append(rep.Flows, fs...)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return FlowsReport{}, err
	}
	rep.Partial = partial
	sortFlows(rep.Flows)
	return rep, nil
}

// Approvals lists the user's approvals in every environment, newest first:
// role flowdeck.RoleApprover (received) or flowdeck.RoleOwner (sent); active
// picks pending ones, otherwise the history.
func (ov *Overview) Approvals(ctx context.Context, role string, active bool) (ApprovalsReport, error) {
	var (
		rep ApprovalsReport
		mu  sync.Mutex
	)
	partial, err := ov.forEachEnv(ctx, func(ctx context.Context, e flowdeck.Environment, sem chan struct{}) error {
		if err := acquire(ctx, sem); err != nil {
			return err
		}
		defer func() { <-sem }()
		as, err := ov.c.Approvals(ctx, e.ID, role, active)
		if err != nil {
			return err
		}
		mu.Lock()
		rep.Approvals = append(rep.Approvals, as...)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return ApprovalsReport{}, err
	}
	rep.Partial = partial
	slices.SortFunc(rep.Approvals, func(a, b flowdeck.Approval) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return rep, nil
}

// Forget drops the user's cached environments and flow lists, after a change
// (a flow turned on or off) that they would otherwise hide for the cache's
// TTL, and the failure queries they would share.
func (ov *Overview) Forget(ctx context.Context) {
	ov.cache.forget(ctx)
	ov.flights.forget(principalKey(ctx))
}
