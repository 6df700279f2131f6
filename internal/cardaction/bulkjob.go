package cardaction

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// bulkWorkers is how many runs a bulk job changes at once; the upstream
// client waits out Power Platform's throttling (429) on each.
const bulkWorkers = 4

// maxCheckPages bounds the pages of a flow's runs read to check a bulk card.
const maxCheckPages = 2

// flowKey names a flow.
type flowKey struct{ env, flow string }

// bulkJob is the checked runs of a bulk card: each run as read now, and
// each flow's name.
type bulkJob struct {
	runs  []flowdeck.Run
	byID  map[string]flowdeck.Run
	names map[flowKey]string
}

// run returns the run id of flow k as read, or a bare run.
func (j bulkJob) run(k flowKey, id string) flowdeck.Run {
	if r, ok := j.byID[strings.ToLower(k.env+"/"+k.flow+"/"+id)]; ok {
		return r
	}
	return flowdeck.Run{EnvironmentID: k.env, FlowID: k.flow, ID: id}
}

// checkRuns reads (never changes) each flow and its runs as the invoker:
// a flow they cannot read, or a run that is not one of the flow's, or not
// in a state the verb applies to (resubmit: finished; cancel: running), is
// refused, so a forged or stale card sends nothing upstream.
func (rt *Router) checkRuns(in *invocation, order []flowKey, groups map[flowKey][]string) (bulkJob, error) {
	job := bulkJob{byID: map[string]flowdeck.Run{}, names: map[flowKey]string{}}
	status := flowdeck.RunFailed
	if in.verb == cards.VerbBulkCancel {
		status = flowdeck.RunRunning
	}
	for _, k := range order {
		f, err := rt.o.Ops.Flow(in.ctx, k.env, k.flow)
		if err != nil {
			return job, err
		}
		job.names[k] = f.DisplayName
		want := map[string]bool{}
		for _, id := range groups[k] {
			want[id] = true
		}
		found := map[string]flowdeck.Run{}
		cursor := ""
		for page := 0; page < maxCheckPages && len(found) < len(want); page++ {
			p, err := rt.o.Ops.Runs(in.ctx, k.env, k.flow, flowdeck.RunFilter{Status: status, Top: cards.MaxBulkRuns}, cursor)
			if err != nil {
				return job, err
			}
			for _, r := range p.Runs {
				if want[r.ID] {
					found[r.ID] = r
				}
			}
			if cursor = p.Next; cursor == "" {
				break
			}
		}
		for _, id := range groups[k] {
			r, ok := found[id]
			if !ok {
				// Not among the newest runs of that status: read it alone.
				d, err := rt.o.Ops.Run(in.ctx, k.env, k.flow, id)
				if err != nil {
					if flowdeck.KindOf(err) == flowdeck.ErrNotFound {
						return job, invalid("This card names runs FlowDeck cannot find in your flows; say failed to list them again.")
					}
					return job, err
				}
				r = d.Run
			}
			if (status == flowdeck.RunRunning) != (r.Status == flowdeck.RunRunning) || (status == flowdeck.RunFailed && !r.Finished()) {
				return job, invalid("Some of these runs are no longer " + map[bool]string{true: "running", false: "finished"}[status == flowdeck.RunRunning] +
					"; say failed or runs and the flow's name to see them as they are now.")
			}
			r.EnvironmentID, r.FlowID = k.env, k.flow
			job.runs = append(job.runs, r)
			job.byID[strings.ToLower(k.env+"/"+k.flow+"/"+id)] = r
		}
	}
	return job, nil
}

// bulkInBackground claims the card's runs once and changes them in the
// background, at most bulkWorkers at a time, updating the card in place as
// they are done; the invoke is answered at once with the progress card.
func (rt *Router) bulkInBackground(in *invocation, target string, job bulkJob) *botframework.InvokeResponse {
	ran, err := rt.claim(in, target, func() error {
		if !rt.updates.startJob(func(ctx context.Context) { rt.runBulk(ctx, in, job) }) {
			return flowdeck.Wrap(flowdeck.ErrUnavailable, flowdeck.ErrNotDone, "FlowDeck is restarting; press the button again in a minute.")
		}
		return nil
	})
	switch {
	case err != nil:
		return rt.failedWith(in, err, in.data)
	case !ran:
		return botframework.MessageResponse("These runs were already " + pastTense(in.verb) + " from this card; nothing was sent again.")
	}
	return botframework.CardResponse(cards.BulkProgressCard(in.verb, 0, len(job.runs), nil, rt.o.Portal))
}

// runBulk changes each run of job and updates the invoke's card: progress
// about every eighth of the way, then every run's result.
func (rt *Router) runBulk(ctx context.Context, in *invocation, job bulkJob) {
	p, _ := flowdeck.PrincipalFrom(in.ctx)
	ctx = flowdeck.WithPrincipal(ctx, p)
	total := len(job.runs)
	step := max(1, total/8)
	results := make([]cards.RunResult, total)
	var (
		mu       sync.Mutex
		finished []cards.RunResult
		wg       sync.WaitGroup
	)
	sem := make(chan struct{}, bulkWorkers)
	for i, r := range job.runs {
		wg.Go(func() {
			rr := cards.RunResult{Run: r, FlowName: job.names[flowKey{r.EnvironmentID, r.FlowID}]}
			select {
			case sem <- struct{}{}:
				rr.Err = rt.changeRun(ctx, in.verb, r)
				<-sem
			case <-ctx.Done():
				rr.Err = flowdeck.Errorf(flowdeck.ErrUnavailable, "FlowDeck stopped before this run; check it in Power Automate.")
			}
			mu.Lock()
			defer mu.Unlock()
			results[i] = rr
			finished = append(finished, rr)
			if n := len(finished); n < total && n%step == 0 {
				rt.updateInvokeCard(ctx, in, cards.BulkProgressCard(in.verb, n, total, slices.Clone(finished), rt.o.Portal))
			}
		})
	}
	wg.Wait()
	rt.updateInvokeCard(ctx, in, cards.BulkResultCard(in.verb, results, rt.o.Portal))
}

// changeRun resubmits or cancels one run.
func (rt *Router) changeRun(ctx context.Context, verb string, r flowdeck.Run) error {
	change := rt.o.Ops.Resubmit
	if verb == cards.VerbBulkCancel {
		change = rt.o.Ops.Cancel
	}
	res, err := change(ctx, r.EnvironmentID, r.FlowID, []string{r.ID})
	return resultErr(res, err)
}

// updateInvokeCard replaces the card the invoke came from, in the
// background, after the invoke has been answered.
func (rt *Router) updateInvokeCard(ctx context.Context, in *invocation, c *cards.AdaptiveCard) {
	select {
	case <-in.answered:
	case <-ctx.Done():
		return
	}
	rt.updates.submit(ctx, cardUpdate{key: "bulk", tenantID: in.p.TenantID, serviceURL: in.a.ServiceURL,
		conversationID: in.conv, activityID: in.replyTo, activity: message(c)})
}

// startJob runs job in the background until it returns, with a context
// cancelled when Close gives up; Close waits for it. It is false when the
// router is closing.
func (up *updater) startJob(job func(ctx context.Context)) bool {
	up.mu.Lock()
	defer up.mu.Unlock()
	if up.closed {
		return false
	}
	up.wg.Add(1)
	go func() {
		defer up.wg.Done()
		job(up.base)
	}()
	return true
}
