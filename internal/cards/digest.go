package cards

import (
	"strconv"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// FlowFailures is one flow's failures in a window: how many, and the latest.
type FlowFailures struct {
	Flow flowdeck.Flow
	// EnvironmentName is the environment's display name (the ID when empty).
	EnvironmentName string
	Count           int
	Latest          flowdeck.Run
	// LatestAction is the failed action of Latest; zero when unknown.
	LatestAction flowdeck.Action
	// Window is the dashboard window the failures were counted in ("24h",
	// "7d"); when set, the failures list offers "Resubmit all" (bulk.failed).
	Window string
}

// Digest is the content of a digest card for the window [Since, Until).
type Digest struct {
	Since, Until time.Time
	// Failures are the flows that failed, most important first.
	Failures []FlowFailures
	// Off are the flows found stopped or suspended.
	Off []flowdeck.Flow
	// PendingApprovals is how many approvals wait for the user.
	PendingApprovals int
}

// maxDigestFlows is how many flows each digest section lists before "and N more".
const maxDigestFlows = 15

// DigestCard is the daily digest: failures per flow with counts and the
// latest error, flows off or suspended, and pending approvals, with buttons
// to the tab.
func DigestCard(d Digest, l Links) *AdaptiveCard {
	total := 0
	for _, f := range d.Failures {
		total += f.Count
	}
	c := newCard("FlowDeck digest: "+strconv.Itoa(total)+" failures, "+strconv.Itoa(len(d.Off))+" flows off, "+strconv.Itoa(d.PendingApprovals)+" approvals pending",
		heading("Your FlowDeck digest"),
		subtle(When(d.Since)+" – "+When(d.Until)),
	)
	c.Body = append(c.Body, &TextBlock{
		Text: count(total, "failed run", "failed runs") + " in " + count(len(d.Failures), "flow", "flows") + " · " +
			count(len(d.Off), "flow", "flows") + " off or suspended · " + count(d.PendingApprovals, "approval", "approvals") + " pending",
		Wrap: true, Weight: "Bolder", Spacing: "Medium",
	})
	if len(d.Failures) > 0 {
		c.Body = append(c.Body, &TextBlock{Text: "Failures", Weight: "Bolder", Separator: true, Spacing: "Medium"})
		c.Body = append(c.Body, failureGroups(d.Failures, maxDigestFlows, l)...)
	}
	if len(d.Off) > 0 {
		c.Body = append(c.Body, &TextBlock{Text: "Off or suspended", Weight: "Bolder", Separator: true, Spacing: "Medium"})
		for i, f := range d.Off {
			if i == maxDigestFlows {
				c.Body = append(c.Body, subtle("and "+count(len(d.Off)-maxDigestFlows, "more flow", "more flows")+"."))
				break
			}
			c.Body = append(c.Body, &TextBlock{Text: "**" + name(f.DisplayName) + "** · " + flowState(f), Wrap: true, Spacing: "Small"})
		}
	}
	if d.PendingApprovals > 0 {
		c.Body = append(c.Body, &TextBlock{Text: count(d.PendingApprovals, "approval waits", "approvals wait") + " for you.", Wrap: true, Separator: true, Spacing: "Medium"})
	}
	c.Actions = actions(
		l.Tab.action("Open failures", FailuresSubEntity),
		func() Action {
			if d.PendingApprovals == 0 {
				return nil
			}
			return l.Tab.action("Open approvals", ApprovalsSubEntity)
		}(),
	)
	return c
}

// failureGroups renders up to limit flows with their failure count and latest error.
func failureGroups(groups []FlowFailures, limit int, l Links) []Element {
	var out []Element
	for i, g := range groups {
		if i == limit {
			out = append(out, subtle("and "+count(len(groups)-limit, "more flow", "more flows")+" with failures."))
			break
		}
		env := g.EnvironmentName
		if env == "" {
			env = g.Flow.EnvironmentID
		}
		items := []Element{
			&TextBlock{Text: "**" + name(g.Flow.DisplayName) + "** · " + count(g.Count, "failure", "failures"), Wrap: true},
			subtle(name(env) + " · latest " + When(g.Latest.StartTime)),
		}
		items = append(items, failureLines(g.Latest, g.LatestAction)...)
		if links := actions(portalLink("Open run", l.Portal.Run(g.Latest)), l.Tab.action("Open in tab", FlowSubEntity(g.Flow.EnvironmentID, g.Flow.ID))); len(links) > 0 {
			items = append(items, &ActionSet{Actions: links, Spacing: "None"})
		}
		out = append(out, &Container{Items: items, Spacing: "Medium"})
	}
	return out
}

func codeSuffix(code string) string {
	if code == "" {
		return ""
	}
	return " (" + name(code) + ")"
}

// flowState describes a flow's state: "Off", "On", "Suspended (reason)".
func flowState(f flowdeck.Flow) string {
	switch f.State {
	case flowdeck.FlowStarted:
		return "On"
	case flowdeck.FlowStopped:
		return "Off"
	case flowdeck.FlowSuspended:
		s := "Suspended"
		if f.SuspensionReason != "" {
			s += " (" + name(f.SuspensionReason) + ")"
		}
		if !f.SuspendedAt.IsZero() {
			s += " since " + Day(f.SuspendedAt)
		}
		return s
	}
	return orDash(name(f.State))
}

// failureLines say why a run failed: the failed action (or the error code)
// and the error's message, as the failures cards show them.
func failureLines(run flowdeck.Run, action flowdeck.Action) []Element {
	var out []Element
	code, msg := failure(run, action)
	if action.Name != "" {
		out = append(out, subtle("Failed action: "+name(action.Name)+codeSuffix(code)))
	} else if code != "" {
		out = append(out, subtle("Error code: "+name(code)))
	}
	if msg != "" {
		rt := literal(OneLine(msg), maxError/2, false)
		rt.Spacing = "None"
		out = append(out, rt)
	}
	return out
}
