package cards

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// MaxListItems is the most items a list card shows; callers page with at
// most this many items per page, and extra items are left out with a note.
const MaxListItems = 25

// Page says which page of a list a card shows.
type Page struct {
	// Command is the bot command that produced the list ("flows sales"); the
	// More button sends it back with Cursor.
	Command string
	// Cursor is the next page's cursor; empty on the last page.
	Cursor string
	// Total is the number of items over all pages; 0 when unknown.
	Total int
}

// listCard starts a list card: a heading, a count line, and an empty-list note.
func listCard(title string, n int, p Page, empty string) *AdaptiveCard {
	c := newCard(title, heading(title))
	switch {
	case n == 0:
		c.Body = append(c.Body, para(empty))
	case n > MaxListItems:
		c.Body = append(c.Body, subtle("Showing the first "+strconv.Itoa(MaxListItems)+" of "+strconv.Itoa(n)+"."))
	case p.Total > n:
		c.Body = append(c.Body, subtle("Showing "+strconv.Itoa(n)+" of "+strconv.Itoa(p.Total)+"."))
	}
	return c
}

// more returns the list.more button, or nil on the last page.
func (p Page) more() Action {
	if p.Cursor == "" {
		return nil
	}
	return &ExecuteAction{Title: "More", Verb: VerbListMore, Data: MoreData{Command: p.Command, Cursor: p.Cursor}}
}

// row is one list item: a bold title line, subtle detail lines, and links.
func row(title string, lines []string, links ...Action) *Container {
	items := []Element{&TextBlock{Text: title, Wrap: true}}
	for _, l := range lines {
		if l != "" {
			items = append(items, subtle(l))
		}
	}
	if as := actions(links...); len(as) > 0 {
		items = append(items, &ActionSet{Actions: as, Spacing: "Small"})
	}
	return &Container{Items: items, Separator: true, Spacing: "Medium"}
}

func firstN[T any](xs []T) []T {
	if len(xs) > MaxListItems {
		return xs[:MaxListItems]
	}
	return xs
}

// EnvironmentsCard lists environments.
func EnvironmentsCard(envs []flowdeck.Environment) *AdaptiveCard {
	c := listCard("Your environments", len(envs), Page{}, "You have no Power Platform environments.")
	for _, e := range firstN(envs) {
		title := "**" + name(e.DisplayName) + "**"
		if e.IsDefault {
			title += " (default)"
		}
		c.Body = append(c.Body, row(title, []string{strings.Join(nonEmpty(name(e.SKU), name(e.Location)), " · "), name(e.ID)}))
	}
	return c
}

// FlowsCard lists flows: name, state, environment and trigger. envNames maps
// environment IDs to display names (IDs are shown when missing).
func FlowsCard(flows []flowdeck.Flow, envNames map[string]string, p Page, l Links) *AdaptiveCard {
	c := listCard("Flows", len(flows), p, "No flows found.")
	for _, f := range firstN(flows) {
		c.Body = append(c.Body, row(
			"**"+name(f.DisplayName)+"** · "+flowState(f),
			[]string{strings.Join(nonEmpty(envName(envNames, f.EnvironmentID), name(f.Trigger), owner(f), sharedLabel(f)), " · ")},
			portalLink("Open in Power Automate", l.Portal.Flow(f)),
			l.Tab.action("Open in tab", FlowSubEntity(f.EnvironmentID, f.ID)),
		))
	}
	c.Actions = actions(p.more())
	return c
}

// sharedLabel marks a flow shared with others (or with the user).
func sharedLabel(f flowdeck.Flow) string {
	if f.Shared {
		return "Shared"
	}
	return ""
}

// FailuresCard lists failures grouped by flow, with counts and the latest
// error. failedEnvironments names the environments that could not be read,
// so the user knows the answer is partial.
func FailuresCard(groups []FlowFailures, failedEnvironments []string, p Page, l Links) *AdaptiveCard {
	c := listCard("Failures", len(groups), p, "No failed runs. 🎉")
	if len(failedEnvironments) > 0 {
		names := make([]string, 0, len(failedEnvironments))
		for i, e := range failedEnvironments {
			if i == 10 {
				names = append(names, "and "+strconv.Itoa(len(failedEnvironments)-10)+" more")
				break
			}
			names = append(names, name(e))
		}
		c.Body = append(c.Body, &TextBlock{Text: "Partial result: could not read " + strings.Join(names, ", ") + ". Try again in a minute.", Wrap: true, Color: "Warning"})
	}
	c.Body = append(c.Body, failedGroups(firstN(groups), l)...)
	c.Actions = actions(p.more(), l.Tab.action("Open failures", FailuresSubEntity))
	return c
}

// RunCard shows one run with its actions, the failed ones highlighted, and
// Resubmit or Cancel buttons (alert.resubmit / alert.cancel with RunData).
func RunCard(f flowdeck.Flow, r flowdeck.Run, acts []flowdeck.Action, l Links) *AdaptiveCard {
	title := "Run of " + Trim(OneLine(f.DisplayName), maxName)
	c := newCard(title, heading("Run of "+name(f.DisplayName)),
		&TextBlock{Text: runStatus(r.Status) + " · started " + When(r.StartTime), Wrap: true, Spacing: "None"})
	facts := []Fact{{Title: "Run", Value: name(r.ID)}}
	if d := runDuration(r); d != "" {
		facts = append(facts, Fact{Title: "Duration", Value: d})
	}
	if r.TriggerName != "" {
		facts = append(facts, Fact{Title: "Trigger", Value: name(r.TriggerName)})
	}
	c.Body = append(c.Body, &FactSet{Facts: facts})
	if len(acts) > 0 {
		c.Body = append(c.Body, &TextBlock{Text: "Actions", Weight: "Bolder", Separator: true, Spacing: "Medium"})
	}
	for i, a := range acts {
		if i == 40 {
			c.Body = append(c.Body, subtle("and "+count(len(acts)-40, "more action", "more actions")+"."))
			break
		}
		line := &TextBlock{Text: runStatus(a.Status) + " · " + name(a.Name), Wrap: true, Spacing: "Small"}
		if a.Status != flowdeck.RunFailed {
			c.Body = append(c.Body, line)
			continue
		}
		line.Weight = "Bolder"
		box := &Container{Style: "attention", Items: []Element{line}, Spacing: "Small"}
		if code := cmp.Or(a.ErrorCode, a.Code); code != "" {
			box.Items = append(box.Items, subtle("Error code: "+name(code)))
		}
		if a.ErrorMessage != "" {
			box.Items = append(box.Items, literal(OneLine(a.ErrorMessage), maxError, false))
		}
		c.Body = append(c.Body, box)
	}
	data := RunData{EnvironmentID: r.EnvironmentID, FlowID: r.FlowID, RunID: r.ID}
	if r.Finished() {
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Resubmit", Verb: VerbAlertResubmit, Data: data})
	}
	if r.Status == flowdeck.RunRunning {
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Cancel run", Verb: VerbAlertCancel, Data: data})
	}
	c.Actions = append(c.Actions, actions(portalLink("Open in Power Automate", l.Portal.Run(r)),
		l.Tab.action("Open in tab", FlowSubEntity(f.EnvironmentID, f.ID)))...)
	return c
}

// AppsCard lists Power Apps canvas apps.
func AppsCard(apps []flowdeck.App, p Page) *AdaptiveCard {
	c := listCard("Power Apps", len(apps), p, "No apps found.")
	for _, a := range firstN(apps) {
		var open Action
		if u := webURL(a.Link); u != "" {
			open = &OpenURLAction{Title: "Open app", URL: u}
		}
		c.Body = append(c.Body, row("**"+name(a.DisplayName)+"**",
			[]string{"Owner " + person(a.Owner) + " · modified " + When(a.ModifiedAt)}, open))
	}
	c.Actions = actions(p.more())
	return c
}

// ConnectionsCard lists connections with their status and error.
func ConnectionsCard(cs []flowdeck.Connection, p Page) *AdaptiveCard {
	c := listCard("Connections", len(cs), p, "No connections found.")
	for _, x := range firstN(cs) {
		r := row("**"+name(x.DisplayName)+"** · "+connStatus(x.Status), []string{strings.Join(nonEmpty(name(strings.TrimPrefix(x.API, "shared_")), name(x.ErrorCode)), " · ")})
		if x.ErrorMessage != "" {
			r.Items = append(r.Items, literal(OneLine(x.ErrorMessage), maxError, false))
		}
		if x.Status != flowdeck.ConnectionConnected {
			r.Style = "attention"
		}
		c.Body = append(c.Body, r)
	}
	c.Actions = actions(p.more())
	return c
}

func connStatus(s string) string {
	switch s {
	case flowdeck.ConnectionConnected:
		return "✅ Connected"
	case flowdeck.ConnectionError:
		return "⚠️ Error"
	}
	return orDash(name(s))
}

func runStatus(s string) string {
	switch s {
	case flowdeck.RunSucceeded:
		return "✅ Succeeded"
	case flowdeck.RunFailed:
		return "❌ Failed"
	case flowdeck.RunRunning:
		return "⏳ Running"
	case flowdeck.RunCancelled:
		return "⏹ Cancelled"
	}
	return orDash(name(s))
}

func runDuration(r flowdeck.Run) string {
	if r.StartTime.IsZero() || r.EndTime.IsZero() || r.EndTime.Before(r.StartTime) {
		return ""
	}
	return duration(r.EndTime.Sub(r.StartTime))
}

func envName(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return name(n)
	}
	return name(id)
}

func nonEmpty(ss ...string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
