package powerautomate

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

func itoa(n int) string { return strconv.Itoa(n) }

var runStatuses = map[string]bool{"Running": true, "Succeeded": true, "Failed": true, "Cancelled": true,
	"Waiting": true, "Skipped": true, "Suspended": true, "TimedOut": true, "Aborted": true}

// runQuery builds the $top and $filter of a run listing.
func (c *Client) runQuery(f flowdeck.RunFilter) (url.Values, error) {
	top := c.pageSize
	if f.Top > 0 {
		top = min(f.Top, MaxPageSize)
	}
	q := url.Values{"$top": {itoa(top)}}
	var parts []string
	if f.Status != "" {
		if !runStatuses[f.Status] {
			return nil, invalid("run status", f.Status)
		}
		parts = append(parts, "status eq '"+f.Status+"'")
	}
	if !f.Since.IsZero() {
		parts = append(parts, "startTime ge "+f.Since.UTC().Format(time.RFC3339))
	}
	if !f.Until.IsZero() {
		parts = append(parts, "startTime lt "+f.Until.UTC().Format(time.RFC3339))
	}
	if len(parts) > 0 {
		q.Set("$filter", strings.Join(parts, " and "))
	}
	return q, nil
}

// RunPage is one page of a flow's runs (the domain's type).
type RunPage = flowdeck.RunPage

// Runs lists one page of a flow's runs, newest first (E5). cursor is "" for
// the first page, else a RunPage.Next of the same listing.
func (c *Client) Runs(ctx context.Context, env, flowID string, f flowdeck.RunFilter, cursor string) (RunPage, error) {
	if err := validate(ValidEnvironment(env), ValidFlowID(flowID)); err != nil {
		return RunPage{}, err
	}
	q, err := c.runQuery(f)
	if err != nil {
		return RunPage{}, err
	}
	p, err := getPage[wireRun](ctx, c, c.endpoint(q, "environments", env, "flows", flowID, "runs"), cursor)
	if err != nil {
		return RunPage{}, err
	}
	out := RunPage{Runs: make([]flowdeck.Run, len(p.Value)), Next: p.next()}
	for i := range p.Value {
		out.Runs[i] = p.Value[i].domain(env, flowID)
	}
	return out, nil
}

// AllRuns follows Runs' pages until limit runs (≤ 0: every page, up to the
// 28-day history) and returns them newest first.
func (c *Client) AllRuns(ctx context.Context, env, flowID string, f flowdeck.RunFilter, limit int) ([]flowdeck.Run, error) {
	var out []flowdeck.Run
	cursor := ""
	for range maxPages {
		p, err := c.Runs(ctx, env, flowID, f, cursor)
		if err != nil {
			return out, err
		}
		out = append(out, p.Runs...)
		if limit > 0 && len(out) >= limit {
			return out[:limit], nil
		}
		if cursor = p.Next; cursor == "" {
			break
		}
	}
	return out, nil
}

// Run returns one run (E6, without $expand).
func (c *Client) Run(ctx context.Context, env, flowID, runID string) (flowdeck.Run, error) {
	if err := validate(ValidEnvironment(env), ValidFlowID(flowID), ValidRunID(runID)); err != nil {
		return flowdeck.Run{}, err
	}
	var w wireRun
	if err := c.do(ctx, http.MethodGet, c.endpoint(nil, "environments", env, "flows", flowID, "runs", runID), nil, &w); err != nil {
		return flowdeck.Run{}, err
	}
	return w.domain(env, flowID), nil
}

// RunActions lists a run's actions in run order, by start time (E7; the
// /actions list, not $expand=properties/actions, which sometimes answers
// with an HTML page). A failed action without properties.error, the usual
// case for connector actions, gets its error from its outputs (see
// actionErrors).
func (c *Client) RunActions(ctx context.Context, env, flowID, runID string) ([]flowdeck.Action, error) {
	if err := validate(ValidEnvironment(env), ValidFlowID(flowID), ValidRunID(runID)); err != nil {
		return nil, err
	}
	ws, err := all[wireAction](ctx, c, c.endpoint(nil, "environments", env, "flows", flowID, "runs", runID, "actions"))
	if err != nil {
		return nil, err
	}
	// Not yet started actions go last; ties keep the service's order.
	slices.SortStableFunc(ws, func(a, b wireAction) int {
		ta, tb := a.Properties.StartTime.Time, b.Properties.StartTime.Time
		if ta.IsZero() || tb.IsZero() {
			return cmp.Compare(boolInt(ta.IsZero()), boolInt(tb.IsZero()))
		}
		return ta.Compare(tb)
	})
	out := make([]flowdeck.Action, len(ws))
	for i, w := range ws {
		out[i] = w.domain()
	}
	c.actionErrors(ctx, ws, out)
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// maxContentReads bounds the outputs read for one run's failed actions.
const maxContentReads = 3

// unreadableError is what a failed action says when its outputs cannot be read.
const unreadableError = "Power Automate did not say why this action failed, and FlowDeck could not read its outputs; open the run in Power Automate to see them."

// actionErrors fills the error of the failed actions that carry none, the
// last ones first (the cause of a run's failure comes last), from their
// outputsLink: fetched without a token, size-capped, from a known host.
func (c *Client) actionErrors(ctx context.Context, ws []wireAction, out []flowdeck.Action) {
	reads := 0
	for i := len(out) - 1; i >= 0; i-- {
		a := &out[i]
		if (a.Status != flowdeck.RunFailed && a.Status != "TimedOut") || a.ErrorMessage != "" {
			continue
		}
		a.ErrorCode = cmp.Or(a.ErrorCode, a.Code)
		link := ws[i].Properties.OutputsLink
		if link == nil || link.URI == "" || reads == maxContentReads {
			a.ErrorMessage = unreadableError
			continue
		}
		reads++
		size := int64(-1)
		if link.ContentSize != nil {
			size = *link.ContentSize
		}
		b, err := c.content.read(ctx, link.URI, size)
		if err != nil {
			a.ErrorMessage = unreadableError
			continue
		}
		code, msg, ok := outputsError(b)
		if !ok {
			a.ErrorMessage = unreadableError
			continue
		}
		a.ErrorCode, a.ErrorMessage = cmp.Or(code, a.Code), msg
	}
}

// FailedAction returns the action that caused a run's failure: the last
// failed action (scopes and loops fail with their inner action, which comes
// later), or false when none failed.
func FailedAction(actions []flowdeck.Action) (flowdeck.Action, bool) {
	return flowdeck.FailedAction(actions)
}

// Resubmit runs a finished run again with its trigger's inputs (E8, 202). When
// the outcome is unclear it looks for the new run in the history.
func (c *Client) Resubmit(ctx context.Context, env, flowID, runID string) error {
	r, err := c.Run(ctx, env, flowID, runID)
	if err != nil {
		return err
	}
	if !r.Finished() {
		return flowdeck.Errorf(flowdeck.ErrConflict, "That run is still %s; wait for it to finish (or cancel it) before resubmitting.", strings.ToLower(r.Status))
	}
	if r.TriggerName == "" || !trigRE.MatchString(r.TriggerName) {
		return flowdeck.Errorf(flowdeck.ErrUnavailable, "Power Platform did not say which trigger started that run; try again in a minute.")
	}
	before := time.Now().Add(-5 * time.Minute)
	err = c.do(ctx, http.MethodPost, c.endpoint(nil, "environments", env, "flows", flowID, "triggers", r.TriggerName, "histories", runID, "resubmit"), nil, nil)
	if !errors.Is(err, upstream.ErrUnclearOutcome) {
		return err
	}
	ok, rerr := c.resubmitted(context.WithoutCancel(ctx), env, flowID, runID, before)
	if rerr == nil && ok {
		return nil
	}
	return &flowdeck.Error{Kind: flowdeck.ErrUnavailable, Err: err,
		Message: "Power Platform did not confirm the resubmission and no new run has appeared yet; check the run history before resubmitting again."}
}

// resubmitted reports whether a run resubmitted from runID started since t.
func (c *Client) resubmitted(ctx context.Context, env, flowID, runID string, since time.Time) (bool, error) {
	q, _ := c.runQuery(flowdeck.RunFilter{Since: since})
	p, err := getPage[wireRun](ctx, c, c.endpoint(q, "environments", env, "flows", flowID, "runs"), "")
	if err != nil {
		return false, err
	}
	for _, w := range p.Value {
		if w.Name != runID && w.Properties.Trigger.OriginHistoryName == runID {
			return true, nil
		}
	}
	return false, nil
}

// Cancel stops a running run (E9). When the outcome is unclear it re-reads
// the run's status.
func (c *Client) Cancel(ctx context.Context, env, flowID, runID string) error {
	if err := validate(ValidEnvironment(env), ValidFlowID(flowID), ValidRunID(runID)); err != nil {
		return err
	}
	err := c.do(ctx, http.MethodPost, c.endpoint(nil, "environments", env, "flows", flowID, "runs", runID, "cancel"), nil, nil)
	if !errors.Is(err, upstream.ErrUnclearOutcome) {
		return err
	}
	var final string
	serr := settle(ctx, err, func(ctx context.Context) (bool, error) {
		r, rerr := c.Run(ctx, env, flowID, runID)
		final = r.Status
		return r.Status == flowdeck.RunCancelled, rerr
	}, "The run is still running; Power Platform did not cancel it. Try again.")
	if serr != nil && final != "" && final != flowdeck.RunRunning && final != flowdeck.RunCancelled {
		return flowdeck.Errorf(flowdeck.ErrConflict, "The run finished (%s) before it could be cancelled.", final)
	}
	return serr
}
