package cards

import (
	"strconv"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// MaxBulkRuns is the most runs one bulk resubmit or cancel acts on.
const MaxBulkRuns = 50

// RunResult is the outcome of a bulk action on one run.
type RunResult struct {
	Run      flowdeck.Run
	FlowName string
	// NewRunID is the run a resubmit started, if known.
	NewRunID string
	// Err is why the action failed on this run; nil on success.
	Err error
}

// BulkConfirmCard asks before resubmitting or cancelling runs (verb is
// VerbBulkResubmit or VerbBulkCancel); flowNames maps flow IDs to names. Its
// button sends BulkData with Confirm: true for at most MaxBulkRuns runs.
func BulkConfirmCard(verb string, runs []flowdeck.Run, flowNames map[string]string) *AdaptiveCard {
	if len(runs) > MaxBulkRuns {
		runs = runs[:MaxBulkRuns]
	}
	what, button := "Resubmit", "Resubmit "+count(len(runs), "run", "runs")
	if verb == VerbBulkCancel {
		what, button = "Cancel", "Cancel "+count(len(runs), "run", "runs")
	}
	c := newCard(what+" "+count(len(runs), "run", "runs")+"?", heading(what+" "+count(len(runs), "run", "runs")+"?"))
	data := BulkData{Confirm: true, Runs: make([]RunData, len(runs))}
	for i, r := range runs {
		data.Runs[i] = RunData{EnvironmentID: r.EnvironmentID, FlowID: r.FlowID, RunID: r.ID}
		if i < MaxListItems {
			c.Body = append(c.Body, &TextBlock{Text: envName(flowNames, r.FlowID) + " · " + runStatus(r.Status) + " · " + When(r.StartTime) +
				" · `" + name(ShortID(r.ID)) + "`", Wrap: true, Spacing: "Small"})
		}
	}
	if len(runs) > MaxListItems {
		c.Body = append(c.Body, subtle("and "+strconv.Itoa(len(runs)-MaxListItems)+" more."))
	}
	c.Actions = []Action{&ExecuteAction{Title: button, Verb: verb, Data: data, Style: "destructive"}}
	return c
}

// BulkResultCard reports a bulk resubmit or cancel: a result per run (at most
// MaxBulkRuns) and a summary line, each run linked in portal.
func BulkResultCard(verb string, results []RunResult, portal flowdeck.Portal) *AdaptiveCard {
	if len(results) > MaxBulkRuns {
		results = results[:MaxBulkRuns]
	}
	done := "resubmitted"
	if verb == VerbBulkCancel {
		done = "cancelled"
	}
	ok := 0
	for _, r := range results {
		if r.Err == nil {
			ok++
		}
	}
	summary := strconv.Itoa(ok) + " of " + count(len(results), "run", "runs") + " " + done
	c := newCard(summary, heading("Runs "+done), &TextBlock{Text: summary + ".", Wrap: true, Weight: "Bolder"})
	c.Body = append(c.Body, resultRows(results, portal)...)
	return c
}

// BulkProgressCard is a bulk resubmit or cancel under way: "12 of 40
// done" and the results so far. It replaces the confirmation card at once
// and is updated in place until BulkResultCard ends it.
func BulkProgressCard(verb string, done, total int, results []RunResult, portal flowdeck.Portal) *AdaptiveCard {
	doing := "Resubmitting"
	if verb == VerbBulkCancel {
		doing = "Cancelling"
	}
	title := doing + " " + count(total, "run", "runs")
	progress := strconv.Itoa(done) + " of " + strconv.Itoa(total) + " done"
	c := newCard(title+": "+progress, heading(title),
		&TextBlock{Text: progress + ". This card updates as the runs are done; you can leave it.", Wrap: true, Weight: "Bolder"})
	if len(results) > MaxBulkRuns {
		results = results[:MaxBulkRuns]
	}
	c.Body = append(c.Body, resultRows(results, portal)...)
	return c
}

// resultRows is one line per run: its outcome, flow, start time and short
// id, the error when it failed, and a link to the run (or the new run).
func resultRows(results []RunResult, portal flowdeck.Portal) []Element {
	var out []Element
	for _, r := range results {
		line := "✅ "
		if r.Err != nil {
			line = "❌ "
		}
		line += "**" + name(orDash(r.FlowName)) + "** · " + When(r.Run.StartTime) + " · `" + name(ShortID(r.Run.ID)) + "`"
		items := []Element{&TextBlock{Text: line, Wrap: true}}
		if r.Err != nil {
			items = append(items, subtle(Escape(flowdeck.Message(r.Err))))
		}
		link := r.Run
		title := "Open run"
		if r.NewRunID != "" && r.Err == nil {
			link.ID = r.NewRunID
			title = "Open new run"
		}
		if u := portal.Run(link); u != "" {
			items = append(items, &ActionSet{Actions: []Action{&OpenURLAction{Title: title, URL: u}}, Spacing: "None"})
		}
		out = append(out, &Container{Items: items, Spacing: "Small", Separator: true})
	}
	return out
}
