package bot

import (
	"context"
	"errors"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

func (b *Bot) cmdEnvs(ctx context.Context, r *request) reply {
	envs, err := b.o.Ops.Environments(ctx)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	return cardReply(cards.EnvironmentsCard(envs))
}

func (b *Bot) cmdFlows(ctx context.Context, r *request) reply {
	env, _, rest, err := b.splitEnvironment(ctx, r.cmd.Args)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	start, _, _ := pageOf(r.cursor, 1<<30)
	list, err := b.o.Ops.Flows(ctx, ops.FlowQuery{Environment: env, Text: flowdeck.Clip(strings.Join(rest, " "), 200), Offset: start, Limit: cards.MaxListItems})
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	_, _, next := pageOf(r.cursor, list.Total)
	flows := make([]flowdeck.Flow, len(list.Items))
	names := map[string]string{}
	for i, f := range list.Items {
		flows[i] = f.Flow
		names[f.EnvironmentID] = f.EnvironmentName
	}
	c := cards.FlowsCard(flows, names, cards.Page{Command: r.line(), Cursor: next, Total: list.Total}, b.links())
	return cardReply(withPartial(c, list.Partial))
}

// windows maps what users type to the dashboard windows.
var windows = map[string]string{"24h": "24h", "1d": "24h", "day": "24h", "today": "24h", "7d": "7d", "week": "7d", "1w": "7d"}

func (b *Bot) cmdFailed(ctx context.Context, r *request) reply {
	window, args := r.cmd.takeWindow("24h")
	env, envName, rest, err := b.splitEnvironment(ctx, args)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	if len(rest) > 0 {
		return textReply("I don't know the environment **" + cards.Escape(flowdeck.Clip(strings.Join(rest, " "), 60)) + "**. Say **envs** to list yours.")
	}
	d, err := b.o.Ops.Dashboard(ctx, window)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	var groups []cards.FlowFailures
	for _, f := range d.Failing {
		if env != "" && f.Flow.EnvironmentID != env {
			continue
		}
		g := cards.FlowFailures{Flow: f.Flow, EnvironmentName: f.EnvironmentName, Count: f.Count, Latest: f.Latest, Window: window}
		if f.FailedAction != nil {
			g.LatestAction = *f.FailedAction
		}
		groups = append(groups, g)
	}
	start, end, next := pageOf(r.cursor, len(groups))
	c := cards.FailuresCard(groups[start:end], partialNames(d.Partial), cards.Page{Command: r.line(), Cursor: next, Total: len(groups)}, b.runLinks(ctx))
	if envName != "" {
		c.Body = append([]cards.Element{&cards.TextBlock{Text: "In " + cards.Escape(flowdeck.Clip(envName, 80)) + ", last " + window + ".", Wrap: true, IsSubtle: true}}, c.Body...)
	}
	return cardReply(c)
}

func (b *Bot) cmdOn(ctx context.Context, r *request) reply {
	f, rep, ok := b.resolveFlow(ctx, r, strings.Join(r.cmd.Args, " "))
	if !ok {
		return rep
	}
	got, err := b.o.Ops.SetFlowState(ctx, f.EnvironmentID, f.ID, true)
	if err != nil {
		rep := b.errorReply(ctx, r, err)
		if rep.card != nil && dlpRefusal(err) {
			// The next step is in Power Automate: the flow's connectors.
			rep.card.Actions = append(rep.card.Actions, &cards.OpenURLAction{Title: "Open the flow in Power Automate", URL: b.o.Portal.Flow(f.Flow)})
		}
		return rep
	}
	return textReply("**" + cards.Escape(cards.OneLine(flowdeck.Clip(got.DisplayName, 80))) + "** is on (" + got.State + ").")
}

// dlpRefusal reports whether err is Power Automate refusing to turn a flow on
// because of a data loss prevention policy.
func dlpRefusal(err error) bool {
	var fe *flowdeck.Error
	if !errors.As(err, &fe) {
		return false
	}
	switch fe.Detail["code"] {
	case "DlpViolation", "ApiPolicyDataFlowViolation", "CompanyDlpViolation":
		return true
	}
	return false
}

func (b *Bot) cmdOff(ctx context.Context, r *request) reply {
	f, rep, ok := b.resolveFlow(ctx, r, strings.Join(r.cmd.Args, " "))
	if !ok {
		return rep
	}
	name := cards.Escape(cards.OneLine(flowdeck.Clip(f.DisplayName, 80)))
	c := &cards.AdaptiveCard{Schema: cards.Schema, Version: cards.Version, MSTeams: &cards.MSTeams{Width: "Full"},
		FallbackText: "Turn off " + cards.OneLine(flowdeck.Clip(f.DisplayName, 80)) + "?",
		Body: []cards.Element{
			&cards.TextBlock{Text: "Turn off **" + name + "**?", Wrap: true, Size: "Medium", Weight: "Bolder", Style: "heading"},
			&cards.TextBlock{Text: "It stops running until someone turns it on again.", Wrap: true},
		},
		Actions: append([]cards.Action{
			&cards.ExecuteAction{Title: "Turn off", Verb: cards.VerbFlowOff, Style: "destructive", Data: cards.RunData{EnvironmentID: f.EnvironmentID, FlowID: f.ID, Confirm: true}},
		}, portalActions(b.o.Portal.Flow(f.Flow))...)}
	return cardReply(c)
}

// portalActions is an "Open in Power Automate" button, or none without a URL.
func portalActions(u string) []cards.Action {
	if u == "" {
		return nil
	}
	return []cards.Action{&cards.OpenURLAction{Title: "Open in Power Automate", URL: u}}
}
