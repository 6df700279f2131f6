package bot

import (
	"cmp"
	"context"
	"strconv"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// resolveFlow finds the one flow the user meant: the picked candidate, or
// what they typed (exact id, exact name, prefix, part). Several matches
// answer with a pick-list card that tells them apart and pages, never a
// guess; none answers with the close names ("did you mean", buttons that
// keep the rest of the command) or, when none is close, repeats the search
// and says what to do next.
func (b *Bot) resolveFlow(ctx context.Context, r *request, text string) (ops.FlowRow, reply, bool) {
	offset := 0
	if n, ok := strings.CutPrefix(r.cursor, pickCursor); ok {
		offset, _ = strconv.Atoi(n)
		r.cursor = "" // the pick list's page, not the command's
	}
	if r.choice != "" {
		text = r.choice
	}
	if strings.TrimSpace(text) == "" {
		return ops.FlowRow{}, textReply("Say which flow: **" + r.cmd.Name + " <flow>**, with its name or part of it."), false
	}
	rows, err := b.o.Ops.FindFlows(ctx, "", text)
	if flowdeck.KindOf(err) == flowdeck.ErrNotFound && r.choice == "" {
		return ops.FlowRow{}, b.noSuchFlow(ctx, r, text), false
	}
	if err != nil {
		return ops.FlowRow{}, b.errorReply(ctx, r, err), false
	}
	if len(rows) == 1 {
		return rows[0], reply{}, true
	}
	return ops.FlowRow{}, cardReply(cards.PickPage("Which flow did you mean?", r.line(), b.candidates(ctx, rows, offset), offset)), false
}

// pickCursor starts the cursor of a pick list's More button.
const pickCursor = "pick:"

// noSuchFlow answers a flow name that matched nothing.
func (b *Bot) noSuchFlow(ctx context.Context, r *request, text string) reply {
	if close, err := b.o.Ops.SuggestFlows(ctx, "", text, cards.PickPageSize); err == nil && len(close) > 0 {
		return cardReply(cards.DidYouMeanCard(text, r.line(), b.candidates(ctx, close, 0)))
	}
	return textReply("I found no flow called **" + cards.Escape(cards.OneLine(flowdeck.Clip(text, 80))) +
		"** in any of your environments. Type **flows** to list them, or **flows <part of the name>** to search.")
}

// candidates are the pick-list entries of rows; those on the page from
// offset say, beside environment, owner and last change, when the flow last
// ran (one call each), so that flows of the same name can be told apart.
func (b *Bot) candidates(ctx context.Context, rows []ops.FlowRow, offset int) []cards.Candidate {
	cands := make([]cards.Candidate, len(rows))
	for i, f := range rows {
		parts := []string{cmp.Or(f.EnvironmentName, f.EnvironmentID), f.State, "owner " + cmp.Or(f.OwnerName, "someone")}
		if !f.ModifiedAt.IsZero() {
			parts = append(parts, "changed "+f.ModifiedAt.UTC().Format("2 Jan 2006"))
		}
		if i >= offset && i < offset+cards.PickPageSize {
			parts = append(parts, b.lastRun(ctx, f.Flow))
		}
		cands[i] = cards.Candidate{Title: f.DisplayName, Detail: strings.Join(parts, " · "), Value: f.ID}
	}
	return cands
}

// lastRun says when f last ran, for a pick list.
func (b *Bot) lastRun(ctx context.Context, f flowdeck.Flow) string {
	page, err := b.o.Ops.Runs(ctx, f.EnvironmentID, f.ID, flowdeck.RunFilter{Top: 1}, "")
	switch {
	case err != nil:
		return "last run unknown"
	case len(page.Runs) == 0:
		return "never ran"
	}
	run := page.Runs[0]
	return "last ran " + run.StartTime.UTC().Format("2 Jan 15:04") + " UTC (" + run.Status + ")"
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
