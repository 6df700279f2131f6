package bot

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// runIDRE is what a run id typed in chat looks like: long, letters and
// digits, with at least one digit (so that a flow name word is not one).
var runIDRE = regexp.MustCompile(`^[A-Za-z0-9]{10,128}$`)

func isRunID(s string) bool { return runIDRE.MatchString(s) && strings.ContainsAny(s, "0123456789") }

// shortIDRE is a short run id as the lists show it (cards.ShortID): the
// last characters of a run id, with at least one digit.
var shortIDRE = regexp.MustCompile(`^[A-Za-z0-9]{6,9}$`)

func isShortID(s string) bool {
	return shortIDRE.MatchString(s) && strings.ContainsAny(s, "0123456789")
}

// isShort reports whether id (as splitRunIDs returns it) is a short id.
func isShort(id string) bool { return len(id) < 10 }

// matches reports whether the run id is id, or ends with the short id.
func matches(runID, id string) bool {
	return strings.EqualFold(runID, id) || (isShort(id) && strings.HasSuffix(strings.ToUpper(runID), id))
}

// splitRunIDs separates run ids from the words naming a flow.
func splitRunIDs(args []string) (flowText string, ids []string) {
	var words []string
	for _, a := range args {
		for _, part := range strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ';' }) {
			if isRunID(part) || isShortID(part) {
				ids = append(ids, strings.ToUpper(part))
			} else {
				words = append(words, part)
			}
		}
	}
	return strings.Join(words, " "), ids
}

func (b *Bot) cmdRuns(ctx context.Context, r *request) reply {
	f, rep, ok := b.resolveFlow(ctx, r, strings.Join(r.cmd.Args, " "))
	if !ok {
		return rep
	}
	page, err := b.o.Ops.Runs(ctx, f.EnvironmentID, f.ID, flowdeck.RunFilter{Top: cards.MaxListItems}, r.cursor)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	return cardReply(cards.RunsCard(f.Flow, page.Runs, cards.Page{Command: withFlowID(r, nil, f.ID), Cursor: page.Next}, b.runLinks(ctx)))
}

// runLinks are the cards' links with the user's time zone from their
// settings, for the run lists' times (UTC, said so, when unknown).
func (b *Bot) runLinks(ctx context.Context) cards.Links {
	l := b.links()
	if st, err := b.o.Ops.Settings(ctx); err == nil && st.TimeZone != "" && st.TimeZone != "UTC" {
		if loc, err := time.LoadLocation(st.TimeZone); err == nil {
			l.Zone = loc
		}
	}
	return l
}

func (b *Bot) cmdRun(ctx context.Context, r *request) reply {
	text, ids := r.cmd.runIDs()
	if len(ids) != 1 {
		return textReply("Say which run: **run <flow> <run id>**, or **run <run id>** for one of your runs of the last 7 days.")
	}
	runs, rep, ok := b.locateRuns(ctx, r, text, ids)
	if !ok {
		return rep
	}
	run := runs[0]
	d, err := b.o.Ops.Run(ctx, run.EnvironmentID, run.FlowID, run.ID)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	f, err := b.o.Ops.Flow(ctx, run.EnvironmentID, run.FlowID)
	if err != nil {
		f = flowdeck.Flow{EnvironmentID: run.EnvironmentID, ID: run.FlowID, DisplayName: run.FlowID}
	}
	return cardReply(cards.RunCard(f, d.Run, d.Actions, b.links()))
}

// locateRuns finds the runs ids of the flow the user named, or, with no
// flow named, among the user's runs of the last 7 days, of any status.
func (b *Bot) locateRuns(ctx context.Context, r *request, flowText string, ids []string) ([]flowdeck.Run, reply, bool) {
	if flowText != "" || r.choice != "" {
		f, rep, ok := b.resolveFlow(ctx, r, flowText)
		if !ok {
			return nil, rep, false
		}
		runs := make([]flowdeck.Run, 0, len(ids))
		var recent []flowdeck.Run
		loaded := false
		for _, id := range ids {
			if isShort(id) {
				if !loaded {
					page, err := b.o.Ops.Runs(ctx, f.EnvironmentID, f.ID, flowdeck.RunFilter{Top: 50}, "")
					if err != nil {
						return nil, b.errorReply(ctx, r, err), false
					}
					recent, loaded = page.Runs, true
				}
				run, rep, ok := pickSuffix(r, id, recent)
				if !ok {
					return nil, rep, false
				}
				runs = append(runs, run)
				continue
			}
			d, err := b.o.Ops.Run(ctx, f.EnvironmentID, f.ID, id)
			if err != nil {
				return nil, b.errorReply(ctx, r, err), false
			}
			runs = append(runs, d.Run)
		}
		return runs, reply{}, true
	}
	found, searched, err := b.recentRuns(ctx, ids)
	if err != nil {
		return nil, b.errorReply(ctx, r, err), false
	}
	var runs []flowdeck.Run
	var missing []string
	for _, id := range ids {
		switch got := found[id]; len(got) {
		case 0:
			missing = append(missing, id)
		case 1:
			runs = append(runs, got[0])
		default:
			_, rep, _ := pickSuffix(r, id, got)
			return nil, rep, false
		}
	}
	if len(missing) > 0 {
		return nil, textReply(runsNotFound(r, missing, searched)), false
	}
	return runs, reply{}, true
}

// pickSuffix returns the one run among runs whose id ends with the short
// id, or the reply that says none or several do.
func pickSuffix(r *request, id string, runs []flowdeck.Run) (flowdeck.Run, reply, bool) {
	var got []flowdeck.Run
	for _, run := range runs {
		if run.ID != "" && matches(run.ID, id) {
			got = append(got, run)
		}
	}
	switch len(got) {
	case 1:
		return got[0], reply{}, true
	case 0:
		return flowdeck.Run{}, textReply("I couldn't find a recent run whose id ends with **" + cards.Escape(id) +
			"**. Say **runs <flow>** to see the ids of its runs."), false
	}
	return flowdeck.Run{}, textReply("**" + cards.Escape(id) + "** is the end of " + strconv.Itoa(len(got)) +
		" run ids. Type more of the id (**" + r.cmd.Name + " <run id>**), or name the flow: **" + r.cmd.Name + " <flow> " + cards.Escape(id) + "**."), false
}

func (b *Bot) cmdResubmit(ctx context.Context, r *request) reply {
	return b.bulkConfirm(ctx, r, cards.VerbBulkResubmit)
}

func (b *Bot) cmdCancel(ctx context.Context, r *request) reply {
	return b.bulkConfirm(ctx, r, cards.VerbBulkCancel)
}

// bulkConfirm asks before resubmitting or cancelling the runs named.
func (b *Bot) bulkConfirm(ctx context.Context, r *request, verb string) reply {
	text, ids := r.cmd.runIDs()
	if len(ids) == 0 {
		return textReply("Say which runs: **" + r.cmd.Name + " <flow> <run id> …** (run ids are on the failure cards and in **runs <flow>**).")
	}
	if len(ids) > cards.MaxBulkRuns {
		return textReply("I can do at most 50 runs at a time.")
	}
	runs, rep, ok := b.locateRuns(ctx, r, text, ids)
	if !ok {
		return rep
	}
	names := map[string]string{}
	for _, run := range runs {
		if _, ok := names[run.FlowID]; !ok {
			if f, err := b.o.Ops.Flow(ctx, run.EnvironmentID, run.FlowID); err == nil {
				names[run.FlowID] = f.DisplayName
			}
		}
	}
	return cardReply(cards.BulkConfirmCard(verb, runs, names))
}
