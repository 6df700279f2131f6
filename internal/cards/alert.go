package cards

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Alert is what a failure alert card shows: a failed (or still running) run
// of a flow and how many failures the card stands for.
type Alert struct {
	Flow flowdeck.Flow
	// EnvironmentName is the environment's display name (Flow.EnvironmentID when empty).
	EnvironmentName string
	Run             flowdeck.Run
	// FailedAction is the action that failed; zero when unknown.
	FailedAction flowdeck.Action
	// Count is how many failures the card stands for; above 1 the card says
	// "failed N times since" Since.
	Count int
	Since time.Time
}

// AlertOptions holds what alert cards link to.
type AlertOptions struct {
	// Tab links to the personal tab; nil leaves "Open in tab" out.
	Tab TabLink
	// Portal is the cloud's Power Automate portal; zero leaves its links out.
	Portal flowdeck.Portal
}

// Outcome is what happened after an alert button was pressed.
type Outcome struct {
	// Verb is the alert verb that was executed (VerbAlertResubmit, …).
	Verb string
	By   flowdeck.Person
	At   time.Time
	// NewRunID is the run a resubmit started, if known.
	NewRunID string
	// Until is when a mute ends.
	Until time.Time
	// Err is set when the action failed; the card then says why and what to do.
	Err error
}

// AlertCard is the failure alert: flow, environment, when, failed action,
// error, and the buttons Resubmit, Cancel (only while the run is running),
// Turn off and Mute 24 h (Action.Execute with RunData), plus links to the run
// in Power Automate and to the flow in the tab.
func AlertCard(a Alert, o AlertOptions) *AdaptiveCard {
	c := alertBase(a, o, "attention")
	data := runData(a, false)
	if a.Run.Finished() || a.Run.Status == "" {
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Resubmit", Verb: VerbAlertResubmit, Data: data, Style: "positive"})
	}
	if a.Run.Status == flowdeck.RunRunning {
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Cancel run", Verb: VerbAlertCancel, Data: data})
	}
	if a.Flow.State != flowdeck.FlowStopped {
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Turn off", Verb: VerbAlertTurnOff, Data: data, Style: "destructive"})
	}
	c.Actions = append(c.Actions, &ExecuteAction{Title: "Mute 24 h", Verb: VerbAlertMute, Data: data})
	return c
}

// AlertConfirmResubmit asks before resubmitting a run that is not the flow's
// latest: latest is the newer run. Its button carries Confirm: true.
func AlertConfirmResubmit(a Alert, latest flowdeck.Run, o AlertOptions) *AdaptiveCard {
	c := alertBase(a, o, "warning")
	text := "This is not the latest run of the flow"
	if !latest.StartTime.IsZero() {
		text += ": a newer run started " + When(latest.StartTime)
		if latest.Status != "" {
			text += " and is " + strings.ToLower(Escape(latest.Status))
		}
	}
	c.Body = append(c.Body, &TextBlock{Text: text + ". Resubmit this older run anyway?", Wrap: true, Weight: "Bolder", Separator: true})
	c.Actions = []Action{&ExecuteAction{Title: "Resubmit anyway", Verb: VerbAlertResubmit, Data: runData(a, true), Style: "positive"}}
	return c
}

// AlertConfirmTurnOff asks before turning the flow off. Its button carries Confirm: true.
func AlertConfirmTurnOff(a Alert, o AlertOptions) *AdaptiveCard {
	c := alertBase(a, o, "warning")
	c.Body = append(c.Body, &TextBlock{Text: "Turn off " + name(a.Flow.DisplayName) + "? It stops running until someone turns it on again.", Wrap: true, Weight: "Bolder", Separator: true})
	c.Actions = []Action{&ExecuteAction{Title: "Turn off", Verb: VerbAlertTurnOff, Data: runData(a, true), Style: "destructive"}}
	return c
}

// AlertOutcome is the read-only card after an alert action: "Resubmitted by
// Adele at 10:42 — new run started", "Turned off by …", or what went wrong.
func AlertOutcome(a Alert, out Outcome, o AlertOptions) *AdaptiveCard {
	style := "good"
	if out.Err != nil {
		style = "attention"
	}
	c := alertBase(a, o, style)
	by := person(out.By)
	at := ""
	if !out.At.IsZero() {
		at = " at " + Clock(out.At)
	}
	var text string
	switch out.Verb {
	case VerbAlertResubmit:
		text = "Resubmitted by " + by + at
		if out.NewRunID != "" {
			text += " — new run started"
		}
	case VerbAlertCancel:
		text = "Run cancelled by " + by + at
	case VerbAlertTurnOff:
		text = "Turned off by " + by + at
	case VerbAlertMute:
		text = "Muted for 24 hours by " + by + at
		if !out.Until.IsZero() {
			text += "; alerts resume " + When(out.Until)
		}
	default:
		text = Escape(out.Verb) + " by " + by + at
	}
	if out.Err != nil {
		text = by + " could not " + verbPhrase(out.Verb) + at + ": " + Escape(flowdeck.Message(out.Err))
	}
	c.Body = append(c.Body, &TextBlock{Text: text + ".", Wrap: true, Weight: "Bolder", Separator: true})
	if out.NewRunID != "" && out.Err == nil {
		nr := a.Run
		nr.ID = out.NewRunID
		c.Actions = actions(portalLink("Open new run", o.Portal.Run(nr)))
	}
	return c
}

// AlertRecovered replaces an alert once the flow succeeds again: "recovered
// at HH:MM after N failures".
func AlertRecovered(a Alert, at time.Time, o AlertOptions) *AdaptiveCard {
	c := alertBase(a, o, "good")
	c.Body[0] = &TextBlock{Text: "Flow recovered", Wrap: true, Color: "Good", Weight: "Bolder"}
	n := max(a.Count, 1)
	c.Body = append(c.Body, &TextBlock{Text: "Recovered at " + Clock(at) + " after " + count(n, "failure", "failures") + ".", Wrap: true, Weight: "Bolder", Color: "Good", Separator: true})
	c.FallbackText = "Recovered: " + Trim(OneLine(a.Flow.DisplayName), maxName)
	return c
}

// alertBase is the body every alert card shares and its links.
func alertBase(a Alert, o AlertOptions, style string) *AdaptiveCard {
	flowName := Trim(OneLine(a.Flow.DisplayName), maxName)
	env := a.EnvironmentName
	if strings.TrimSpace(env) == "" {
		env = a.Flow.EnvironmentID
	}
	status := "Flow run failed"
	if a.Run.Status != "" && a.Run.Status != flowdeck.RunFailed {
		status = "Flow run " + strings.ToLower(Escape(label(a.Run.Status)))
	}
	c := newCard("Flow failed: "+flowName,
		&TextBlock{Text: status, Wrap: true, Color: "Attention", Weight: "Bolder"},
		heading(Escape(flowName)),
	)
	when := When(a.Run.StartTime)
	if a.Count > 1 {
		when = "Failed " + strconv.Itoa(a.Count) + " times"
		if !a.Since.IsZero() {
			when += " since " + Clock(a.Since)
		}
		when += "; latest " + When(a.Run.StartTime)
	}
	// Times stay in TextBlocks: the DATE/TIME functions are a TextBlock feature.
	c.Body = append(c.Body, &TextBlock{Text: when, Wrap: true, IsSubtle: true, Spacing: "None"})
	facts := []Fact{{Title: "Environment", Value: name(env)}}
	if a.FailedAction.Name != "" {
		facts = append(facts, Fact{Title: "Failed action", Value: name(a.FailedAction.Name)})
	}
	code, msg := failure(a.Run, a.FailedAction)
	if code != "" {
		facts = append(facts, Fact{Title: "Error code", Value: name(code)})
	}
	box := &Container{Style: style, Items: []Element{&FactSet{Facts: facts}}, Spacing: "Medium"}
	if msg != "" {
		box.Items = append(box.Items, literal(OneLine(msg), maxError, false))
	}
	c.Body = append(c.Body, box)
	links := actions(portalLink("Open run in Power Automate", o.Portal.Run(a.Run)))
	if o.Tab != nil {
		links = append(links, &OpenURLAction{Title: "Open in tab", URL: o.Tab(FlowSubEntity(a.Flow.EnvironmentID, a.Flow.ID))})
	}
	if len(links) > 0 {
		c.Body = append(c.Body, &ActionSet{Actions: links})
	}
	return c
}

// failure returns the most specific error code and message of a run: the
// failed action's, else the run's.
func failure(r flowdeck.Run, fa flowdeck.Action) (code, msg string) {
	code = cmp.Or(fa.ErrorCode, fa.Code, r.ErrorCode, r.Code)
	msg = cmp.Or(fa.ErrorMessage, r.ErrorMessage)
	return code, msg
}

func runData(a Alert, confirm bool) RunData {
	return RunData{EnvironmentID: a.Flow.EnvironmentID, FlowID: a.Flow.ID, RunID: a.Run.ID, Confirm: confirm}
}

func verbPhrase(verb string) string {
	switch verb {
	case VerbAlertResubmit:
		return "resubmit the run"
	case VerbAlertCancel:
		return "cancel the run"
	case VerbAlertTurnOff:
		return "turn the flow off"
	case VerbAlertMute:
		return "mute the alerts"
	}
	return "do that"
}
