package bot

import (
	"cmp"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

func (b *Bot) cmdWatch(ctx context.Context, r *request) reply {
	text := strings.Join(r.cmd.Args, " ")
	sub := flowdeck.Subscription{Target: flowdeck.WatchAll}
	what := "any of your flows fails"
	if !strings.EqualFold(text, "all") || r.choice != "" {
		f, rep, ok := b.resolveFlow(ctx, r, text)
		if !ok {
			return rep
		}
		sub = flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: f.EnvironmentID, FlowID: f.ID, FlowName: f.DisplayName}
		what = "**" + cards.Escape(cards.OneLine(flowdeck.Clip(f.DisplayName, 80))) + "** fails"
	}
	where := "you"
	if r.group() && r.cmd.Post {
		sub.ConversationID = rootConversation(r.caller.ConversationID)
		where = "this conversation"
	}
	if _, err := b.o.Ops.Watch(ctx, sub); err != nil {
		return b.errorReply(ctx, r, err)
	}
	return textReply("I'll tell " + where + " when " + what + ". Say **unwatch** to stop.")
}

func (b *Bot) cmdUnwatch(ctx context.Context, r *request) reply {
	text := strings.Join(r.cmd.Args, " ")
	if strings.EqualFold(text, "all") && r.choice == "" {
		n, err := b.o.Ops.UnwatchAll(ctx)
		if err != nil {
			return b.errorReply(ctx, r, err)
		}
		return textReply("Stopped watching " + strconv.Itoa(n) + " " + plural(n, "target", "targets") + ".")
	}
	if r.choice != "" {
		if err := b.o.Ops.Unwatch(ctx, r.choice); err != nil {
			return b.errorReply(ctx, r, err)
		}
		return textReply("Stopped watching it.")
	}
	subs, err := b.o.Ops.Watches(ctx)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	if text == "" {
		if len(subs) == 0 {
			return textReply("You watch nothing. Say **watch <flow>** or **watch all**.")
		}
		lines := []string{"You watch:"}
		for i, s := range subs {
			if i == cards.MaxListItems {
				lines = append(lines, "- and "+strconv.Itoa(len(subs)-i)+" more")
				break
			}
			lines = append(lines, "- "+watchLabel(s))
		}
		lines = append(lines, "Say **unwatch <flow>** or **unwatch all**.")
		return textReply(strings.Join(lines, "\n"))
	}
	low := strings.ToLower(text)
	var match []flowdeck.Subscription
	for _, s := range subs {
		if strings.EqualFold(s.FlowID, text) || s.Target == flowdeck.WatchFlow && strings.Contains(strings.ToLower(s.FlowName), low) {
			match = append(match, s)
		}
	}
	switch len(match) {
	case 0:
		return textReply("You don't watch a flow matching **" + cards.Escape(flowdeck.Clip(text, 60)) + "**. Say **unwatch** to list what you watch.")
	case 1:
		if err := b.o.Ops.Unwatch(ctx, match[0].ID); err != nil {
			return b.errorReply(ctx, r, err)
		}
		return textReply("Stopped watching " + watchLabel(match[0]) + ".")
	}
	cands := make([]cards.Candidate, len(match))
	for i, s := range match {
		cands[i] = cards.Candidate{Title: s.FlowName, Value: s.ID}
	}
	return cardReply(cards.PickCard("Which one should I stop watching?", r.line(), cands))
}

func watchLabel(s flowdeck.Subscription) string {
	switch s.Target {
	case flowdeck.WatchAll:
		return "all your flows"
	case flowdeck.WatchMine:
		return "your approvals and the flows you own (the default)"
	case flowdeck.WatchApprovals:
		return "your approvals only"
	case flowdeck.WatchEnvironment:
		return "environment " + cards.Escape(flowdeck.Clip(s.EnvironmentID, 80))
	}
	return "**" + cards.Escape(cards.OneLine(flowdeck.Clip(cmp.Or(s.FlowName, s.FlowID), 80))) + "**"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// settings returns the user's settings, with the time zone of the Teams
// client when none was set.
func (b *Bot) settings(ctx context.Context, r *request) (flowdeck.UserSettings, error) {
	st, err := b.o.Ops.Settings(ctx)
	if err != nil {
		return st, err
	}
	if (st.TimeZone == "" || st.TimeZone == "UTC") && r.a.LocalTimezone != "" && len(r.a.LocalTimezone) <= 64 {
		if _, err := time.LoadLocation(r.a.LocalTimezone); err == nil {
			st.TimeZone = r.a.LocalTimezone
		}
	}
	return st, nil
}

func (b *Bot) cmdDigest(ctx context.Context, r *request) reply {
	if len(r.cmd.Args) != 1 {
		return textReply("Say **digest 08:30** for a daily digest at 8:30, or **digest off**.")
	}
	st, err := b.settings(ctx, r)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	arg := strings.ToLower(r.cmd.Args[0])
	if arg == "off" {
		st.DigestTime = ""
	} else {
		st.DigestTime = hhmm(arg)
	}
	st, err = b.o.Ops.SetSettings(ctx, st)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	if st.DigestTime == "" {
		return textReply("No more daily digest.")
	}
	return textReply("Your daily digest comes at " + st.DigestTime + " (" + cards.Escape(st.TimeZone) + ").")
}

func (b *Bot) cmdQuiet(ctx context.Context, r *request) reply {
	arg := strings.ToLower(strings.Join(r.cmd.Args, ""))
	if arg == "" {
		return textReply("Say **quiet 22:00-07:00** for no alerts at night, or **quiet off**.")
	}
	st, err := b.settings(ctx, r)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	if arg == "off" {
		st.QuietStart, st.QuietEnd = "", ""
	} else {
		from, to, ok := strings.Cut(strings.NewReplacer("–", "-", "—", "-", "to", "-").Replace(arg), "-")
		if !ok {
			return textReply("Say quiet hours as **22:00-07:00**.")
		}
		st.QuietStart, st.QuietEnd = hhmm(from), hhmm(to)
	}
	st, err = b.o.Ops.SetSettings(ctx, st)
	if err != nil {
		return b.errorReply(ctx, r, err)
	}
	if st.QuietStart == "" {
		return textReply("Alerts may come at any time now.")
	}
	return textReply("No alerts from " + st.QuietStart + " to " + st.QuietEnd + " (" + cards.Escape(st.TimeZone) + ").")
}

// hhmm writes "8:30" and "0830" as "08:30"; anything else is returned as
// is for SetSettings to refuse.
func hhmm(s string) string {
	s = strings.TrimSpace(s)
	if h, m, ok := strings.Cut(s, ":"); ok && len(h) == 1 {
		return "0" + h + ":" + m
	}
	if len(s) == 4 && !strings.Contains(s, ":") {
		return s[:2] + ":" + s[2:]
	}
	return flowdeck.Clip(s, 16)
}
