package ops

import (
	"context"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// RunPage is a page of a flow's runs.
type RunPage = flowdeck.RunPage

// Runs lists one page of a flow's runs, newest first; cursor is "" or the
// previous page's Next.
func (s *Service) Runs(ctx context.Context, env, flowID string, f flowdeck.RunFilter, cursor string) (RunPage, error) {
	switch f.Status {
	case "", flowdeck.RunRunning, flowdeck.RunSucceeded, flowdeck.RunFailed, flowdeck.RunCancelled:
	default:
		return RunPage{}, flowdeck.Errorf(flowdeck.ErrInvalid, "Filter runs by Running, Succeeded, Failed or Cancelled.")
	}
	if f.Top < 0 || f.Top > 50 {
		return RunPage{}, flowdeck.Errorf(flowdeck.ErrInvalid, "Pages hold at most 50 runs.")
	}
	page, err := s.flows.Runs(ctx, env, flowID, f, cursor)
	page.Runs = s.linkRuns(page.Runs)
	return page, err
}

// FailedRuns returns the first page of the flow's failed runs that started
// at since or later, newest first: what the user's other queries (the tab's
// failure pass, the bot's failed) read of the flow less than maxAge ago (a
// minute at most) over a window covering since, else one call, kept for
// them in turn.
func (s *Service) FailedRuns(ctx context.Context, env, flowID string, since time.Time, maxAge time.Duration) (RunPage, error) {
	page, err := s.overview.FailedRuns(ctx, env, flowID, since, maxAge)
	page.Runs = s.linkRuns(page.Runs)
	return page, err
}

// runIDRE is the shape of a run id (powerplatform-api.md §3).
var runIDRE = regexp.MustCompile(`^[A-Z0-9]{10,128}$`)

// RunDetail is one run with its actions and, when it failed, the failing action.
type RunDetail struct {
	Run     flowdeck.Run      `json:"run"`
	Actions []flowdeck.Action `json:"actions"`
	Failed  *flowdeck.Action  `json:"failedAction,omitempty"`
	// PortalURL is the run's page in the Power Automate portal.
	PortalURL string `json:"portalUrl"`
}

// Run returns one run with its actions.
func (s *Service) Run(ctx context.Context, env, flowID, runID string) (RunDetail, error) {
	run, err := s.flows.Run(ctx, env, flowID, runID)
	if err != nil {
		return RunDetail{}, err
	}
	actions, err := s.flows.RunActions(ctx, env, flowID, runID)
	if err != nil {
		return RunDetail{}, err
	}
	run.Link = s.portal.Run(run)
	d := RunDetail{Run: run, Actions: actions, PortalURL: run.Link}
	if a, ok := flowdeck.FailedAction(actions); ok {
		d.Failed = &a
	}
	return d, nil
}

// RunContent returns the inputs or outputs (part) of a run's trigger (action
// "") or of one action; secure content is never read.
func (s *Service) RunContent(ctx context.Context, env, flowID, runID, action, part string) (flowdeck.RunContent, error) {
	if part != flowdeck.ContentInputs && part != flowdeck.ContentOutputs {
		return flowdeck.RunContent{}, flowdeck.Errorf(flowdeck.ErrInvalid, "Ask for inputs or outputs.")
	}
	return s.flows.RunContent(ctx, env, flowID, runID, action, part)
}

// RunResult is the outcome of a bulk action for one run.
type RunResult struct {
	RunID   string `json:"runId"`
	OK      bool   `json:"ok"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// Resubmit resubmits each run (at most MaxBulk) and reports each outcome.
func (s *Service) Resubmit(ctx context.Context, env, flowID string, runIDs []string) ([]RunResult, error) {
	return s.bulk(ctx, runIDs, func(ctx context.Context, id string) error { return s.flows.Resubmit(ctx, env, flowID, id) })
}

// Cancel cancels each running run (at most MaxBulk) and reports each outcome.
func (s *Service) Cancel(ctx context.Context, env, flowID string, runIDs []string) ([]RunResult, error) {
	return s.bulk(ctx, runIDs, func(ctx context.Context, id string) error { return s.flows.Cancel(ctx, env, flowID, id) })
}

func (s *Service) bulk(ctx context.Context, runIDs []string, do func(context.Context, string) error) ([]RunResult, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(runIDs)))
	switch {
	case len(ids) == 0:
		return nil, flowdeck.Errorf(flowdeck.ErrInvalid, "Select at least one run.")
	case len(ids) > MaxBulk:
		return nil, flowdeck.Errorf(flowdeck.ErrInvalid, "Select at most %d runs at a time.", MaxBulk)
	}
	for _, id := range ids {
		if !runIDRE.MatchString(id) {
			return nil, flowdeck.Errorf(flowdeck.ErrInvalid, "%q is not a run id.", flowdeck.Clip(id, 40))
		}
	}
	out := make([]RunResult, len(ids))
	sem := make(chan struct{}, bulkConcurrency)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i] = RunResult{RunID: id, Code: flowdeck.Code(flowdeck.ErrUnavailable), Message: "Stopped before this run was reached."}
				return
			}
			defer func() { <-sem }()
			if err := do(ctx, id); err != nil {
				out[i] = RunResult{RunID: id, Code: flowdeck.Code(err), Message: flowdeck.Message(err)}
				return
			}
			out[i] = RunResult{RunID: id, OK: true}
		})
	}
	wg.Wait()
	return out, nil
}
