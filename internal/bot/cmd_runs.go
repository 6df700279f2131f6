package bot

import (
	"context"
	"regexp"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// runIDRE is what a run id typed in chat looks like: long, letters and
// digits, with at least one digit (so that a flow name word is not one).
var runIDRE = regexp.MustCompile(`^[A-Za-z0-9]{10,128}$`)

func isRunID(s string) bool { return runIDRE.MatchString(s) && strings.ContainsAny(s, "0123456789") }

// splitRunIDs separates run ids from the words naming a flow.
func splitRunIDs(args []string) (flowText string, ids []string) {
	var words []string
	for _, a := range args {
		for _, part := range strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ';' }) {
			if isRunID(part) {
				ids = append(ids, strings.ToUpper(part))
			} else {
				words = append(words, part)
			}
		}
	}
	return strings.Join(words, " "), ids
}

func (b *Bot) cmdRuns(ctx context.Context, r *request) reply {
	f, rep, ok := b.resolveFlow(ctx, r, strings.Join(r.cmd.Args, " "))
	if !ok {
		return rep
	}
	page, err := b.o.Ops.Runs(ctx, f.EnvironmentID, f.ID, flowdeck.RunFilter{Top: cards.MaxListItems}, r.cursor)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	return cardReply(cards.RunsCard(f.Flow, page.Runs, cards.Page{Command: withFlowID(r, nil, f.ID), Cursor: page.Next}, b.links()))
}

func (b *Bot) cmdRun(ctx context.Context, r *request) reply {
	text, ids := splitRunIDs(r.cmd.Args)
	if len(ids) != 1 {
		return textReply("Say which run: **run <flow> <run id>**, or **run <run id>** for one of your recent failures.")
	}
	runs, rep, ok := b.locateRuns(ctx, r, text, ids)
	if !ok {
		return rep
	}
	run := runs[0]
	d, err := b.o.Ops.Run(ctx, run.EnvironmentID, run.FlowID, run.ID)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	f, err := b.o.Ops.Flow(ctx, run.EnvironmentID, run.FlowID)
	if err != nil {
		f = flowdeck.Flow{EnvironmentID: run.EnvironmentID, ID: run.FlowID, DisplayName: run.FlowID}
	}
	return cardReply(cards.RunCard(f, d.Run, d.Actions, b.links()))
}

// locateRuns finds the runs ids of the flow the user named, or, with no
// flow named, among the user's failed runs of the last 7 days.
func (b *Bot) locateRuns(ctx context.Context, r *request, flowText string, ids []string) ([]flowdeck.Run, reply, bool) {
	if flowText != "" || r.choice != "" {
		f, rep, ok := b.resolveFlow(ctx, r, flowText)
		if !ok {
			return nil, rep, false
		}
		runs := make([]flowdeck.Run, 0, len(ids))
		for _, id := range ids {
			d, err := b.o.Ops.Run(ctx, f.EnvironmentID, f.ID, id)
			if err != nil {
				return nil, b.errorReply(ctx, r, err), false
			}
			runs = append(runs, d.Run)
		}
		return runs, reply{}, true
	}
	found, err := b.recentFailures(ctx, ids)
	if err != nil {
		return nil, b.errorReply(ctx, r, err), false
	}
	var runs []flowdeck.Run
	var missing []string
	for _, id := range ids {
		if run, ok := found[id]; ok {
			runs = append(runs, run)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return nil, textReply("I couldn't find run **" + cards.Escape(flowdeck.Clip(strings.Join(missing, ", "), 200)) +
			"** among your failed runs of the last 7 days. A run id alone can belong to any flow: say **" + r.cmd.Name + " <flow> <run id>** with the flow's name or part of it."), false
	}
	return runs, reply{}, true
}

// maxSearchFlows bounds how many failing flows a run-id search lists.
const maxSearchFlows = 25

// recentFailures looks for the run ids among the failed runs of the last 7 days.
func (b *Bot) recentFailures(ctx context.Context, ids []string) (map[string]flowdeck.Run, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	d, err := b.o.Ops.Dashboard(ctx, "7d")
	if err != nil {
		return nil, err
	}
	found := map[string]flowdeck.Run{}
	for _, f := range d.Failing {
		if want[f.Latest.ID] {
			found[f.Latest.ID] = f.Latest
		}
	}
	for i, f := range d.Failing {
		if len(found) == len(want) || i == maxSearchFlows {
			break
		}
		page, err := b.o.Ops.Runs(ctx, f.Flow.EnvironmentID, f.Flow.ID, flowdeck.RunFilter{Status: flowdeck.RunFailed, Since: d.Since, Top: 50}, "")
		if err != nil {
			continue
		}
		for _, run := range page.Runs {
			if want[run.ID] {
				found[run.ID] = run
			}
		}
	}
	return found, nil
}

func (b *Bot) cmdResubmit(ctx context.Context, r *request) reply {
	return b.bulkConfirm(ctx, r, cards.VerbBulkResubmit)
}

func (b *Bot) cmdCancel(ctx context.Context, r *request) reply {
	return b.bulkConfirm(ctx, r, cards.VerbBulkCancel)
}

// bulkConfirm asks before resubmitting or cancelling the runs named.
func (b *Bot) bulkConfirm(ctx context.Context, r *request, verb string) reply {
	text, ids := splitRunIDs(r.cmd.Args)
	if len(ids) == 0 {
		return textReply("Say which runs: **" + r.cmd.Name + " <flow> <run id> …** (run ids are on the failure cards and in **runs <flow>**).")
	}
	if len(ids) > cards.MaxBulkRuns {
		return textReply("I can do at most 50 runs at a time.")
	}
	runs, rep, ok := b.locateRuns(ctx, r, text, ids)
	if !ok {
		return rep
	}
	names := map[string]string{}
	for _, run := range runs {
		if _, ok := names[run.FlowID]; !ok {
			if f, err := b.o.Ops.Flow(ctx, run.EnvironmentID, run.FlowID); err == nil {
				names[run.FlowID] = f.DisplayName
			}
		}
	}
	return cardReply(cards.BulkConfirmCard(verb, runs, names))
}
