package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// maxSearchFlows bounds how many flows a run-id search reads the runs of.
const maxSearchFlows = 25

// recentRuns looks for the run ids (or short ids: an id's last characters)
// among the user's runs of the last 7 days, of any status (a running run
// can be cancelled, a finished one resubmitted): first the flows that
// failed in that time, then the other flows that are on, most recently
// changed first, at most maxSearchFlows flows in all. A short id may match
// more than one run, so every flow is read while one is asked for. searched
// is how many flows it read.
func (b *Bot) recentRuns(ctx context.Context, ids []string) (found map[string][]flowdeck.Run, searched int, err error) {
	d, err := b.o.Ops.Dashboard(ctx, "7d")
	if err != nil {
		return nil, 0, err
	}
	short := slices.ContainsFunc(ids, isShort)
	found = map[string][]flowdeck.Run{}
	var flows []flowdeck.Flow
	seen := map[string]bool{}
	add := func(f flowdeck.Flow) {
		k := strings.ToLower(f.EnvironmentID + "/" + f.ID)
		if !seen[k] {
			seen[k] = true
			flows = append(flows, f)
		}
	}
	for _, f := range d.Failing {
		add(f.Flow)
	}
	if on, err := b.o.Ops.Flows(ctx, ops.FlowQuery{State: flowdeck.FlowStarted, Sort: "modified", Desc: true, Limit: maxSearchFlows}); err == nil {
		for _, f := range on.Items {
			add(f.Flow)
		}
	}
	for _, f := range flows {
		if (!short && len(found) == len(ids)) || searched == maxSearchFlows {
			break
		}
		searched++
		page, err := b.o.Ops.Runs(ctx, f.EnvironmentID, f.ID, flowdeck.RunFilter{Since: d.Since, Top: 50}, "")
		if err != nil {
			continue
		}
		for _, run := range page.Runs {
			for _, id := range ids {
				if matches(run.ID, id) {
					found[id] = append(found[id], run)
				}
			}
		}
	}
	return found, searched, nil
}

// runsNotFound says which run ids a search did not find, where it looked,
// and the next step.
func runsNotFound(r *request, missing []string, searched int) string {
	where := "in the " + strconv.Itoa(searched) + " flows I searched (your failed flows and your flows that are on)"
	if searched == 1 {
		where = "in the one flow I searched"
	}
	return "I couldn't find run **" + cards.Escape(flowdeck.Clip(strings.Join(missing, ", "), 200)) +
		"** among your runs of the last 7 days " + where + ". A run id alone can belong to any flow: say **" +
		r.cmd.Name + " <flow> <run id>** with the flow's name or part of it."
}
