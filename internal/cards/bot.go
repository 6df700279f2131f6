package cards

import (
	"strings"
)

// Command is one row of the help card.
type Command struct {
	Name        string
	Args        string
	Description string
}

// WelcomeCard greets a new user: what FlowDeck does, a Sign in button
// (Action.Execute verb signin) unless signedIn, and, when auto (their
// default subscription was just made), what it posts and its one-click
// choices.
func WelcomeCard(userName string, signedIn, auto bool, tab TabLink) *AdaptiveCard {
	hello := "Welcome to FlowDeck"
	if strings.TrimSpace(userName) != "" {
		hello = "Welcome to FlowDeck, " + name(userName)
	}
	c := newCard("Welcome to FlowDeck", heading(hello),
		para("FlowDeck brings your Power Automate flows into Teams: see what failed across every environment, resubmit or cancel runs, turn flows on and off, and answer approvals right here."),
		para("Type **help** to see the commands, or open the tab for the dashboard."),
	)
	if auto {
		defaultChoices(c)
	}
	if !signedIn {
		c.Body = append(c.Body, subtle("Sign in once so FlowDeck can read your flows and approvals on your behalf. "+
			"Then, with nothing to set up, I'll post here the approvals assigned to you and an alert when a flow you own fails."))
		c.Actions = append(c.Actions, &ExecuteAction{Title: "Sign in", Verb: VerbSignIn, Style: "positive"})
	}
	c.Actions = append(c.Actions, actions(tab.action("Open dashboard", ""))...)
	return c
}

// HelpCard lists the bot's commands.
func HelpCard(cmds []Command) *AdaptiveCard {
	c := newCard("FlowDeck commands", heading("FlowDeck commands"),
		subtle("Flow names can be partial or in quotes; when a name is ambiguous I ask which one you meant."))
	for _, cmd := range cmds {
		usage := "**" + Escape(OneLine(cmd.Name)) + "**"
		if cmd.Args != "" {
			usage += " " + Escape(OneLine(cmd.Args))
		}
		c.Body = append(c.Body, &ColumnSet{Spacing: "Small", Columns: []Column{
			{Width: "2", Items: []Element{&TextBlock{Text: usage, Wrap: true}}},
			{Width: "3", Items: []Element{&TextBlock{Text: Escape(cmd.Description), Wrap: true}}},
		}})
	}
	return c
}

// SignInAgainCard asks the user to sign in again (expired session, MFA,
// Conditional Access) with an Action.Execute signin button.
func SignInAgainCard(reason string) *AdaptiveCard {
	if strings.TrimSpace(reason) == "" {
		reason = "Your sign-in has expired or your organisation needs you to sign in again."
	}
	return &AdaptiveCard{
		Schema: Schema, Version: Version, MSTeams: &MSTeams{Width: "Full"}, FallbackText: "Sign in again",
		Body:    []Element{heading("Sign in again"), para(Escape(Trim(OneLine(reason), maxError)))},
		Actions: []Action{&ExecuteAction{Title: "Sign in", Verb: VerbSignIn, Style: "positive"}},
	}
}

// Candidate is one choice of a pick-list card.
type Candidate struct {
	// Title is the button label (a flow's name, say).
	Title string
	// Detail is a line describing it (environment, state).
	Detail string
	// Value is what PickData.Choice carries back (an ID).
	Value string
}

// maxCandidates is the most candidates a pick list offers.
const maxCandidates = 10

// PickCard asks which of candidates the user meant ("Which flow did you
// mean?"), with one Action.Execute pick button per candidate carrying the
// original command.
func PickCard(question, command string, candidates []Candidate) *AdaptiveCard {
	q := Trim(OneLine(question), maxTitle)
	c := newCard(q, heading(Escape(q)))
	for i, cand := range candidates {
		if i == maxCandidates {
			c.Body = append(c.Body, subtle("and "+count(len(candidates)-maxCandidates, "more match", "more matches")+"; type a longer name to narrow it down."))
			break
		}
		items := []Element{}
		if cand.Detail != "" {
			items = append(items, subtle(name(cand.Detail)))
		}
		items = append(items, &ActionSet{Actions: []Action{&ExecuteAction{Title: label(cand.Title), Verb: VerbPick, Data: PickData{Command: command, Choice: cand.Value}}}})
		c.Body = append(c.Body, &Container{Items: items, Separator: i > 0, Spacing: "Small"})
	}
	return c
}
