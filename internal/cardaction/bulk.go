package cardaction

import (
	"slices"
	"strings"

	"github.com/flowdeck/flowdeck/internal/botframework"
	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// parseBulk validates the data of a bulk.resubmit or bulk.cancel confirm
// button: at most cards.MaxBulkRuns runs, each a valid environment, flow
// and run id.
func parseBulk(data map[string]any) (cards.BulkData, error) {
	f := newFields(data, "runs", "confirm")
	d := cards.BulkData{Confirm: f.flag("confirm")}
	if f.err != nil {
		return d, f.err
	}
	runs, ok := data["runs"].([]any)
	if !ok || len(runs) == 0 || len(runs) > cards.MaxBulkRuns {
		return d, invalid("This card does not carry the runs to change; reload the card and try again.")
	}
	for _, x := range runs {
		m, ok := x.(map[string]any)
		if !ok {
			return d, invalid("This card sent a run in the wrong form; reload the card and try again.")
		}
		r, err := parseRun(cards.VerbAlertResubmit, m)
		if err != nil {
			return d, err
		}
		d.Runs = append(d.Runs, r)
	}
	return d, nil
}

// bulk resubmits or cancels the runs of a confirmed bulk card, once per
// card and set of runs. The runs are checked first (read only): a card
// naming runs that are not the invoker's to change gets a safe card and
// nothing is sent. More runs than one round of bulkWorkers, in a personal
// chat, run in the background with the card updated in place (bulkjob.go);
// a few runs, or a bulk card in a group, are done within the invoke and
// answered with each run's result (in a group, in the personal chat:
// rt.answer).
func (rt *Router) bulk(in *invocation) *botframework.InvokeResponse {
	d, err := parseBulk(in.data)
	if err != nil {
		return errorCard(err, nil)
	}
	if !d.Confirm {
		return botframework.MessageResponse("Nothing was changed.")
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	groups := map[flowKey][]string{}
	var order []flowKey
	var target []string
	for _, x := range d.Runs {
		k := flowKey{x.EnvironmentID, x.FlowID}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		if !slices.Contains(groups[k], x.RunID) {
			groups[k] = append(groups[k], x.RunID)
		}
		target = append(target, strings.ToLower(x.EnvironmentID+"/"+x.FlowID+"/"+x.RunID))
	}
	slices.Sort(target)
	target = slices.Compact(target)
	if rt.claimed(in, strings.Join(target, ",")) {
		return rt.answer(in, doneCard("These runs were already "+pastTense(in.verb)+" from this card; nothing was sent again."))
	}
	job, err := rt.checkRuns(in, order, groups)
	if err != nil {
		return rt.failedWith(in, err, in.data)
	}
	if in.personal() && in.replyTo != "" && len(job.runs) > bulkWorkers {
		return rt.bulkInBackground(in, strings.Join(target, ","), job)
	}
	var results []cards.RunResult
	ran, err := rt.claim(in, strings.Join(target, ","), func() error {
		for _, k := range order {
			var res []ops.RunResult
			var err error
			if in.verb == cards.VerbBulkCancel {
				res, err = rt.o.Ops.Cancel(in.ctx, k.env, k.flow, groups[k])
			} else {
				res, err = rt.o.Ops.Resubmit(in.ctx, k.env, k.flow, groups[k])
			}
			if err != nil {
				if len(results) > 0 {
					// Some runs were changed already: keep the claim.
					return flowdeck.Wrap(flowdeck.ErrUnavailable, err, "Power Automate stopped answering part-way; check the runs before trying again.")
				}
				return err
			}
			for _, x := range res {
				rr := cards.RunResult{Run: job.run(k, x.RunID), FlowName: job.names[k]}
				if !x.OK {
					rr.Err = &flowdeck.Error{Kind: flowdeck.KindOfCode(x.Code), Message: x.Message}
				}
				results = append(results, rr)
			}
		}
		return nil
	})
	switch {
	case err != nil:
		return rt.failedWith(in, err, in.data)
	case !ran:
		return rt.answer(in, doneCard("These runs were already "+pastTense(in.verb)+" from this card; nothing was sent again."))
	}
	return rt.answer(in, cards.BulkResultCard(in.verb, results, rt.o.Portal))
}

func pastTense(verb string) string {
	if verb == cards.VerbBulkCancel {
		return "cancelled"
	}
	return "resubmitted"
}

// flowOff turns the flow of a confirmed "Turn off" card off, once per card.
func (rt *Router) flowOff(in *invocation) *botframework.InvokeResponse {
	f := newFields(in.data, "environmentId", "flowId", "confirm")
	d := cards.RunData{EnvironmentID: f.str("environmentId", true), FlowID: f.str("flowId", true), Confirm: f.flag("confirm")}
	f.match(d.EnvironmentID, envRE, "environment")
	f.match(d.FlowID, guidRE, "flow id")
	if f.err != nil {
		return errorCard(f.err, nil)
	}
	if !d.Confirm {
		return botframework.MessageResponse("Nothing was changed.")
	}
	if res := rt.ensureToken(in, in.data); res != nil {
		return res
	}
	var got flowdeck.Flow
	ran, err := rt.claim(in, d.EnvironmentID+"/"+d.FlowID, func() error {
		var err error
		got, err = rt.o.Ops.SetFlowState(in.ctx, d.EnvironmentID, d.FlowID, false)
		return err
	})
	switch {
	case err != nil:
		return rt.failedWith(in, err, in.data)
	case !ran:
		return rt.answer(in, doneCard("This flow was already turned off from this card."))
	}
	name := flowdeck.Clip(cards.OneLine(got.DisplayName), 80)
	c := &cards.AdaptiveCard{Schema: cards.Schema, Version: cards.Version, MSTeams: &cards.MSTeams{Width: "Full"},
		FallbackText: name + " is off",
		Body: []cards.Element{&cards.TextBlock{Wrap: true,
			Text: "**" + cards.Escape(name) + "** is off (" + cards.Escape(got.State) + "). Say **on** and its name to turn it on again."}},
	}
	if u := rt.o.Portal.Flow(got); u != "" {
		c.Actions = []cards.Action{&cards.OpenURLAction{Title: "Open in Power Automate", URL: u}}
	}
	return rt.answer(in, c)
}

// doneCard is a one-line card for a click whose work another click did.
func doneCard(text string) *cards.AdaptiveCard {
	return &cards.AdaptiveCard{Schema: cards.Schema, Version: cards.Version, MSTeams: &cards.MSTeams{Width: "Full"},
		FallbackText: text, Body: []cards.Element{&cards.TextBlock{Text: text, Wrap: true}}}
}
