package powerautomate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/upstream"
)

// Environments lists the environments the user can see (E1, all pages).
func (c *Client) Environments(ctx context.Context) ([]flowdeck.Environment, error) {
	ws, err := all[wireEnv](ctx, c, c.endpoint(nil, "environments"))
	if err != nil {
		return nil, err
	}
	out := make([]flowdeck.Environment, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.domain())
	}
	return out, nil
}

// Flows lists every flow of env the user can see: owned (personal), shared
// with them (team) and solution-aware ones, all pages, de-duplicated on the
// flow id and sorted by display name (E2). The search('team') listing also
// holds the user's own flows shared with others, which the unfiltered one
// lists too: each flow counts once, and Shared marks those of the team list.
func (c *Client) Flows(ctx context.Context, env string) ([]flowdeck.Flow, error) {
	return c.FlowsEach(ctx, env, nil)
}

// FlowsEach is Flows that also hands each, when set, the flows of every page
// as the page arrives, each flow once (the first time either listing holds
// it, before its Shared mark is final), so that a caller can start on the
// first flows while the rest load. each is never called twice at once.
func (c *Client) FlowsEach(ctx context.Context, env string, each func([]flowdeck.Flow)) ([]flowdeck.Flow, error) {
	if err := ValidEnvironment(env); err != nil {
		return nil, err
	}
	queries := []url.Values{
		{"include": {"includeSolutionCloudFlows"}, "$top": {itoa(c.pageSize)}},
		{"include": {"includeSolutionCloudFlows"}, "$top": {itoa(c.pageSize)}, "$filter": {"search('team')"}},
	}
	lists := make([][]wireFlow, len(queries))
	errs := make([]error, len(queries))
	var wg sync.WaitGroup
	var (
		emu     sync.Mutex
		arrived = map[string]bool{}
	)
	page := func(ws []wireFlow) {
		emu.Lock()
		defer emu.Unlock()
		var fresh []flowdeck.Flow
		for _, w := range ws {
			if f := w.domain(env); !arrived[strings.ToLower(f.ID)] {
				arrived[strings.ToLower(f.ID)] = true
				fresh = append(fresh, f)
			}
		}
		if len(fresh) > 0 {
			each(fresh)
		}
	}
	if each == nil {
		page = nil
	}
	for i, q := range queries {
		wg.Go(func() { lists[i], errs[i] = allEach(ctx, c, c.endpoint(q, "environments", env, "flows"), page) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, errs[slices.IndexFunc(errs, func(e error) bool { return e != nil })]
	}
	seen := map[string]int{}
	var out []flowdeck.Flow
	for i, l := range lists {
		for _, w := range l {
			f := w.domain(env)
			key := strings.ToLower(f.ID)
			if j, dup := seen[key]; dup {
				out[j].Shared = out[j].Shared || i == 1
				continue
			}
			f.Shared = f.Shared || i == 1
			seen[key] = len(out)
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b flowdeck.Flow) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName)), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Flow returns one flow (E3).
func (c *Client) Flow(ctx context.Context, env, flowID string) (flowdeck.Flow, error) {
	if err := validate(ValidEnvironment(env), ValidFlowID(flowID)); err != nil {
		return flowdeck.Flow{}, err
	}
	var w wireFlow
	if err := c.do(ctx, http.MethodGet, c.endpoint(nil, "environments", env, "flows", flowID), nil, &w); err != nil {
		return flowdeck.Flow{}, err
	}
	return w.domain(env), nil
}

// TurnOn starts a flow (E10). When the outcome is unclear it re-reads the
// flow's state and reports what happened.
func (c *Client) TurnOn(ctx context.Context, env, flowID string) error {
	return c.setState(ctx, env, flowID, "start", flowdeck.FlowStarted)
}

// TurnOff stops a flow (E10), with the same re-read as TurnOn.
func (c *Client) TurnOff(ctx context.Context, env, flowID string) error {
	return c.setState(ctx, env, flowID, "stop", flowdeck.FlowStopped)
}

func (c *Client) setState(ctx context.Context, env, flowID, verb, want string) error {
	if err := validate(ValidEnvironment(env), ValidFlowID(flowID)); err != nil {
		return err
	}
	err := c.do(ctx, http.MethodPost, c.endpoint(nil, "environments", env, "flows", flowID, verb), nil, nil)
	if !errors.Is(err, upstream.ErrUnclearOutcome) {
		return err
	}
	return settle(ctx, err, func(ctx context.Context) (bool, error) {
		f, rerr := c.Flow(ctx, env, flowID)
		return f.State == want, rerr
	}, "The flow is still "+map[string]string{flowdeck.FlowStarted: "off", flowdeck.FlowStopped: "on"}[want]+"; Power Platform did not make the change. Try again.")
}

// settle decides an unclear POST by re-reading state: happened → nil; did not
// → a clear ErrUnavailable with notDone; re-read failed → the original error.
func settle(ctx context.Context, orig error, happened func(context.Context) (bool, error), notDone string) error {
	ctx = context.WithoutCancel(ctx)
	ok, err := happened(ctx)
	switch {
	case err != nil:
		return orig
	case ok:
		return nil
	}
	return &flowdeck.Error{Kind: flowdeck.ErrUnavailable, Message: notDone, Err: fmt.Errorf("%w (re-read after: %s)", flowdeck.ErrNotDone, orig.Error())}
}
