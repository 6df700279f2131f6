package cards

import (
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// ShortIDLength is how many characters of a run id the lists show; the
// resubmit and cancel commands accept that many (or more) as a suffix.
const ShortIDLength = 8

// ShortID is the visible short form of a run id: its last ShortIDLength
// characters (the part that differs between runs).
func ShortID(runID string) string {
	if len(runID) <= ShortIDLength {
		return runID
	}
	return runID[len(runID)-ShortIDLength:]
}

// RunsCard lists runs of flow f: each run's status, start time and short
// id, with Details, and Resubmit (a finished run that did not succeed) or
// Cancel (a running run); with two failed runs or more, "Resubmit failed
// runs" asks to resubmit the flow's failed runs of the last 7 days.
func RunsCard(f flowdeck.Flow, runs []flowdeck.Run, p Page, l Links) *AdaptiveCard {
	c := listCard("Runs of "+name(f.DisplayName), len(runs), p, "No runs found.")
	c.FallbackText = "Runs of " + Trim(OneLine(f.DisplayName), maxName)
	if len(runs) > 0 {
		c.Body = append(c.Body, subtle(timesNote(l)))
	}
	for _, r := range firstN(runs) {
		code, _ := failure(r, flowdeck.Action{})
		c.Body = append(c.Body, row(
			runStatus(r.Status)+" · "+runTime(l, r.StartTime)+" · `"+name(ShortID(r.ID))+"`",
			[]string{strings.Join(nonEmpty(runDuration(r), name(code)), " · ")},
			runActions(r, l)...,
		))
	}
	var all Action
	failed := 0
	for _, r := range runs {
		if r.Status == flowdeck.RunFailed {
			failed++
		}
	}
	if failed > 1 {
		all = &ExecuteAction{Title: "Resubmit failed runs (7 days)", Verb: VerbBulkFailed,
			Data: BulkFailedData{EnvironmentID: f.EnvironmentID, FlowID: f.ID, Window: "7d"}}
	}
	c.Actions = actions(all, p.more(), l.Tab.action("Open in tab", FlowSubEntity(f.EnvironmentID, f.ID)))
	return c
}

// timesNote says which time zone the run lists' times are in, and what
// the short ids are.
func timesNote(l Links) string {
	zone := "UTC (FlowDeck does not know your time zone yet)"
	if l.Zone != nil {
		zone = name(l.Zone.String())
	}
	return "Times are in " + zone + "; ids are the last 8 characters of each run's id."
}

// runTime is t in the viewer's zone (UTC when unknown), as "Sat 5 Dec 14:05".
func runTime(l Links, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	loc := l.Zone
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("Mon 2 Jan 15:04")
}

// runActions are a run row's buttons: Details, then Resubmit for a failed
// or cancelled run or Cancel for a running one (the alert verbs, confirmed:
// the row names the run), then the portal link.
func runActions(r flowdeck.Run, l Links) []Action {
	data := RunData{EnvironmentID: r.EnvironmentID, FlowID: r.FlowID, RunID: r.ID}
	out := []Action{&ExecuteAction{Title: "Details", Verb: VerbRunDetails, Data: data}}
	confirmed := data
	confirmed.Confirm = true
	switch r.Status {
	case flowdeck.RunFailed, flowdeck.RunCancelled:
		out = append(out, &ExecuteAction{Title: "Resubmit", Verb: VerbAlertResubmit, Data: confirmed})
	case flowdeck.RunRunning:
		out = append(out, &ExecuteAction{Title: "Cancel", Verb: VerbAlertCancel, Data: confirmed})
	}
	return append(out, portalLink("Open run", l.Portal.Run(r)))
}

// failedGroups renders the failures list: per flow, its count, its latest
// failed run as a row (short id, failed action and error, Details and
// Resubmit), and "Resubmit all N failed" when the window is known.
func failedGroups(groups []FlowFailures, l Links) []Element {
	out := []Element{}
	if len(groups) > 0 {
		out = append(out, subtle(timesNote(l)))
	}
	for _, g := range groups {
		env := g.EnvironmentName
		if env == "" {
			env = g.Flow.EnvironmentID
		}
		items := []Element{
			&TextBlock{Text: "**" + name(g.Flow.DisplayName) + "** · " + count(g.Count, "failure", "failures"), Wrap: true},
			subtle(name(env)),
			&TextBlock{Text: "Latest: " + runStatus(g.Latest.Status) + " · " + runTime(l, g.Latest.StartTime) + " · `" + name(ShortID(g.Latest.ID)) + "`",
				Wrap: true, Spacing: "Small"},
		}
		items = append(items, failureLines(g.Latest, g.LatestAction)...)
		acts := runActions(g.Latest, l)
		if g.Window != "" && g.Count > 1 {
			n := min(g.Count, MaxBulkRuns)
			acts = append(acts, &ExecuteAction{Title: "Resubmit all " + count(n, "failed", "failed"), Verb: VerbBulkFailed,
				Data: BulkFailedData{EnvironmentID: g.Flow.EnvironmentID, FlowID: g.Flow.ID, Window: g.Window}})
		}
		if as := actions(acts...); len(as) > 0 {
			items = append(items, &ActionSet{Actions: as, Spacing: "Small"})
		}
		out = append(out, &Container{Items: items, Separator: true, Spacing: "Medium"})
	}
	return out
}
