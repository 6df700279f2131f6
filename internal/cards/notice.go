package cards

import (
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Notice kinds: what happened to a watched flow besides a failed run.
const (
	// NoticeOff means the flow was turned off.
	NoticeOff = "off"
	// NoticeSuspended means Power Automate suspended the flow (Flow.SuspensionReason says why).
	NoticeSuspended = "suspended"
	// NoticeIdle means the flow has not run for a while (FlowNotice.LastRun, Days).
	NoticeIdle = "idle"
)

// FlowNotice is a watched flow turned off, suspended, or idle.
type FlowNotice struct {
	Kind string
	Flow flowdeck.Flow
	// EnvironmentName is the environment's display name (the ID when empty).
	EnvironmentName string
	// LastRun is the flow's latest run start for NoticeIdle (zero: never ran).
	LastRun time.Time
	// Days is the idle threshold for NoticeIdle.
	Days int
}

// suspensionReasons explains Power Automate's suspension reasons to users.
var suspensionReasons = map[string]string{
	"AlwaysFailingDetected":   "it failed continuously for days",
	"CompanyDlpViolation":     "it breaks a data loss prevention policy of your organisation",
	"NoRunsDetected":          "it had not run for a long time",
	"ConnectionUnavailable":   "a connection it uses is broken",
	"BillingSuspension":       "of a licensing or billing problem",
	"DisabledByAdministrator": "an administrator turned it off",
}

// FlowNoticeCard tells that a watched flow was turned off, suspended (with
// the reason), or has not run for Days days, with links to the flow in Power
// Automate and in the tab.
func FlowNoticeCard(n FlowNotice, o AlertOptions) *AdaptiveCard {
	flowName := Trim(OneLine(n.Flow.DisplayName), maxName)
	env := n.EnvironmentName
	if strings.TrimSpace(env) == "" {
		env = n.Flow.EnvironmentID
	}
	var title, text, color string
	switch n.Kind {
	case NoticeSuspended:
		title, color = "Flow suspended", "Attention"
		text = "Power Automate suspended this flow"
		if why, ok := suspensionReasons[n.Flow.SuspensionReason]; ok {
			text += " because " + why
		} else if n.Flow.SuspensionReason != "" {
			text += " (" + Escape(OneLine(n.Flow.SuspensionReason)) + ")"
		}
		text += ". It does not run until it is fixed and turned on again."
	case NoticeIdle:
		title, color = "Flow not running", "Warning"
		text = "This flow has not run for " + count(n.Days, "day", "days")
		if !n.LastRun.IsZero() {
			text += "; its last run started " + When(n.LastRun)
		}
		text += ". Check its trigger and connections."
	default:
		title, color = "Flow turned off", "Warning"
		text = "This flow was turned off"
		if !n.Flow.ModifiedAt.IsZero() {
			text += " " + When(n.Flow.ModifiedAt)
		}
		text += ". It does not run until someone turns it on again."
	}
	c := newCard(title+": "+flowName,
		&TextBlock{Text: title, Wrap: true, Color: color, Weight: "Bolder"},
		heading(Escape(flowName)),
		&FactSet{Facts: []Fact{{Title: "Environment", Value: name(env)}, {Title: "Trigger", Value: orDash(name(n.Flow.Trigger))}}},
		para(text),
	)
	links := actions(portalLink("Open in Power Automate", o.Portal.Flow(n.Flow)))
	if o.Tab != nil {
		links = append(links, &OpenURLAction{Title: "Open in tab", URL: o.Tab(FlowSubEntity(n.Flow.EnvironmentID, n.Flow.ID))})
	}
	c.Actions = links
	return c
}
