package bot

import (
	"cmp"
	"context"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// resolveFlow finds the one flow the user meant: the picked candidate, or
// what they typed (exact id, exact name, prefix, part). Several matches
// answer with a pick-list card, never a guess.
func (b *Bot) resolveFlow(ctx context.Context, r *request, text string) (ops.FlowRow, reply, bool) {
	if r.choice != "" {
		text = r.choice
	}
	if strings.TrimSpace(text) == "" {
		return ops.FlowRow{}, textReply("Say which flow: **" + r.cmd.Name + " <flow>**, with its name or part of it."), false
	}
	rows, err := b.o.Ops.FindFlows(ctx, "", text)
	if err != nil {
		return ops.FlowRow{}, b.errorReply(ctx, r, err), false
	}
	if len(rows) == 1 {
		return rows[0], reply{}, true
	}
	cands := make([]cards.Candidate, len(rows))
	for i, f := range rows {
		cands[i] = cards.Candidate{Title: f.DisplayName, Detail: cmp.Or(f.EnvironmentName, f.EnvironmentID) + " · " + f.State, Value: f.ID}
	}
	return ops.FlowRow{}, cardReply(cards.PickCard("Which flow did you mean?", r.line(), cands)), false
}

// withFlowID is r's command line with the flow text replaced by the flow's
// id (the other arguments kept), for More buttons.
func withFlowID(r *request, keep []string, flowID string) string {
	c := Command{Name: r.cmd.Name, Args: append([]string{flowID}, keep...), Post: r.cmd.Post}
	return c.String()
}

// splitEnvironment reads a leading environment (its id, name or the start
// of its name) from args.
func (b *Bot) splitEnvironment(ctx context.Context, args []string) (envID, envName string, rest []string, err error) {
	if len(args) == 0 {
		return "", "", args, nil
	}
	envs, err := b.o.Ops.Environments(ctx)
	if err != nil {
		return "", "", nil, err
	}
	// Longest run of leading words that names an environment.
	for n := len(args); n >= 1; n-- {
		text := strings.ToLower(strings.Join(args[:n], " "))
		var exact, prefix []int
		for i, e := range envs {
			name := strings.ToLower(e.DisplayName)
			switch {
			case strings.EqualFold(e.ID, text) || name == text:
				exact = append(exact, i)
			case len(text) >= 3 && strings.HasPrefix(name, text):
				prefix = append(prefix, i)
			}
		}
		switch {
		case len(exact) == 1:
			return envs[exact[0]].ID, envs[exact[0]].DisplayName, args[n:], nil
		case len(exact) == 0 && len(prefix) == 1:
			return envs[prefix[0]].ID, envs[prefix[0]].DisplayName, args[n:], nil
		}
	}
	return "", "", args, nil
}
