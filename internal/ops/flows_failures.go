package ops

import (
	"context"
	"errors"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// The failures list (the flows that failed in a window) takes its failures
// from the user's dashboard of that window (DashboardLive): a fresh complete
// dashboard snapshot answers it with no upstream call for runs, a live
// answer is kept as the dashboard's snapshot too, and the list and the
// dashboard count the same failures. A Snapshot listing answers at once
// from what is kept, whatever its age, while the live one loads.

// liveFailures is the failures by env/flow id that q asks for: since
// q.FailingSince when set (asked live, no dashboard), else those of the
// user's dashboard of q's window (DashboardLive, q.Refresh asking it live).
func (s *Service) liveFailures(ctx context.Context, q FlowQuery) (map[string]int, Dashboard, error) {
	if !q.FailingSince.IsZero() {
		fr, err := s.overview.Failures(ctx, q.FailingSince)
		if err != nil {
			return nil, Dashboard{}, err
		}
		failures := map[string]int{}
		for _, ff := range fr.Flows {
			failures[ff.Flow.EnvironmentID+"/"+ff.Flow.ID] = ff.Count
		}
		for _, f := range fr.Failing {
			failures[f.EnvironmentID+"/"+f.ID] = max(failures[f.EnvironmentID+"/"+f.ID], 1)
		}
		return failures, Dashboard{}, nil
	}
	d, err := s.DashboardLive(ctx, q.window(), q.Refresh, nil)
	if err != nil {
		return nil, Dashboard{}, err
	}
	return dashboardFailures(d), d, nil
}

// window is q's window, "24h" when unset.
func (q FlowQuery) window() string {
	if q.Window == "" {
		return "24h"
	}
	return q.Window
}

// dashboardFailures counts the failures of d by env/flow id: each failing
// flow's count, and at least 1 for a flow Power Automate suspended for
// failing continuously (not scanned for runs).
func dashboardFailures(d Dashboard) map[string]int {
	failures := map[string]int{}
	for _, ff := range d.Failing {
		failures[ff.Flow.EnvironmentID+"/"+ff.Flow.ID] = ff.Count
	}
	for _, f := range d.Off {
		if f.State == flowdeck.FlowSuspended && f.SuspensionReason == "AlwaysFailingDetected" {
			failures[f.EnvironmentID+"/"+f.ID] = max(failures[f.EnvironmentID+"/"+f.ID], 1)
		}
	}
	return failures
}

// keptPage is flowPage for q.Snapshot: from the flows kept (the overview's
// cache when warm, else the user's flows snapshot) and, when q asks for
// failures, the user's dashboard snapshot of the window at any age. It asks
// Power Automate nothing; what is not kept makes an empty answer, not
// FromSnapshot. Environments are named from the overview's cache when the
// flows came from it, else from the dashboard's failing flows (a flow of
// another environment is left unnamed until the live answer).
func (s *Service) keptPage(ctx context.Context, q FlowQuery, me string) (FlowList, error) {
	empty := FlowList{Items: []FlowRow{}}
	rep, asOf, ok := s.keptFlows(ctx)
	if !ok {
		return empty, nil
	}
	names := map[string]string{}
	if asOf.IsZero() {
		// The overview's cache is warm, environments included: this asks nothing upstream.
		if envs, err := s.overview.Environments(ctx); err == nil {
			for _, e := range envs {
				names[e.ID] = e.DisplayName
			}
		}
	}
	var failures map[string]int
	if q.wantsFailures() {
		if !q.FailingSince.IsZero() {
			return empty, nil // no snapshot keeps failures since an arbitrary moment
		}
		d, ok, err := s.DashboardSnapshot(ctx, q.window())
		if err != nil && !errors.Is(err, flowdeck.ErrUnavailable) {
			return FlowList{}, err
		}
		if !ok {
			return empty, nil
		}
		failures, asOf = dashboardFailures(d), d.AsOf
		for _, ff := range d.Failing {
			if names[ff.Flow.EnvironmentID] == "" {
				names[ff.Flow.EnvironmentID] = ff.EnvironmentName
			}
		}
	}
	out := s.page(ctx, q, me, rep, names, failures)
	out.AsOf, out.FromSnapshot = asOf, true
	return out, nil
}
