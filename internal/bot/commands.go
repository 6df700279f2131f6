package bot

import (
	"context"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cards"
)

// command is one row of the command table.
type command struct {
	cards.Command
	// tokens: the command needs the user's delegated tokens.
	tokens bool
	// upstream: the command calls Power Platform (typing indicator).
	upstream bool
	// private: the answer shows the user's data (sent 1:1 from a group).
	private bool
	run     func(b *Bot, ctx context.Context, r *request) reply
}

// table is the single source of the commands: the help card and the app
// manifest's commandLists are generated from it.
var table []command

func init() {
	table = []command{
		{Command: cards.Command{Name: "help", Description: "Show what I can do."}, run: (*Bot).cmdHelp},
		{Command: cards.Command{Name: "signin", Description: "Sign in so I can work with your flows."}, run: (*Bot).cmdSignIn},
		{Command: cards.Command{Name: "signout", Description: "Sign out and forget your tokens."}, run: (*Bot).cmdSignOut},
		{Command: cards.Command{Name: "envs", Description: "List your environments."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdEnvs},
		{Command: cards.Command{Name: "flows", Args: "[env] [text]", Description: "List your flows, optionally in one environment or matching a text."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdFlows},
		{Command: cards.Command{Name: "failed", Args: "[24h|7d] [env]", Description: "Show flows that failed in the last 24 hours or 7 days."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdFailed},
		{Command: cards.Command{Name: "runs", Args: "<flow>", Description: "Show the latest runs of a flow."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdRuns},
		{Command: cards.Command{Name: "run", Args: "[flow] <run id>", Description: "Show one run and the action it failed at."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdRun},
		{Command: cards.Command{Name: "resubmit", Args: "[flow] <run id…>", Description: "Resubmit one or more runs (asks first)."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdResubmit},
		{Command: cards.Command{Name: "cancel", Args: "[flow] <run id…>", Description: "Cancel one or more running runs (asks first)."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdCancel},
		{Command: cards.Command{Name: "on", Args: "<flow>", Description: "Turn a flow on."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdOn},
		{Command: cards.Command{Name: "off", Args: "<flow>", Description: "Turn a flow off (asks first)."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdOff},
		{Command: cards.Command{Name: "approvals", Args: "[sent]", Description: "List the approvals waiting for you (or the ones you sent)."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdApprovals},
		{Command: cards.Command{Name: "apps", Description: "List your Power Apps."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdApps},
		{Command: cards.Command{Name: "connections", Description: "List your connections, broken ones first."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdConnections},
		{Command: cards.Command{Name: "watch", Args: "<flow|all>", Description: "Tell me when a flow (or any flow) fails."}, tokens: true, upstream: true, private: true, run: (*Bot).cmdWatch},
		{Command: cards.Command{Name: "unwatch", Args: "[flow|all]", Description: "Stop watching a flow, or everything; alone, list what you watch."}, tokens: true, private: true, run: (*Bot).cmdUnwatch},
		{Command: cards.Command{Name: "digest", Args: "<HH:MM|off>", Description: "Get a daily digest at this time, or stop it."}, tokens: true, private: true, run: (*Bot).cmdDigest},
		{Command: cards.Command{Name: "quiet", Args: "<HH:MM-HH:MM|off>", Description: "No alerts during these hours, or alerts at any time."}, tokens: true, private: true, run: (*Bot).cmdQuiet},
	}
}

// Commands returns the bot's commands, in help order. The app manifest's
// commandLists are generated from it.
func Commands() []cards.Command {
	out := make([]cards.Command, len(table))
	for i, c := range table {
		out[i] = c.Command
	}
	return out
}

// lookup finds a command by name or by an unambiguous prefix of at least
// three letters ("appr" → approvals).
func lookup(name string) (*command, bool) {
	for i := range table {
		if table[i].Name == name {
			return &table[i], true
		}
	}
	if len(name) < 3 {
		return nil, false
	}
	var found *command
	for i := range table {
		if strings.HasPrefix(table[i].Name, name) {
			if found != nil {
				return nil, false
			}
			found = &table[i]
		}
	}
	return found, found != nil
}

// closest returns the command nearest to name by edit distance, if close enough.
func closest(name string) (string, bool) {
	if name == "" || len(name) > 40 {
		return "", false
	}
	best, bestD := "", 1<<30
	for _, c := range table {
		if d := distance(name, c.Name); d < bestD {
			best, bestD = c.Name, d
		}
	}
	for alias, target := range aliases {
		if d := distance(name, alias); d < bestD || d == bestD && target < best {
			best, bestD = target, d
		}
	}
	return best, bestD <= max(2, len([]rune(name))/3)
}

// links are where the bot's cards link: the tab and the cloud's portal.
func (b *Bot) links() cards.Links { return cards.Links{Tab: b.o.TabLink, Portal: b.o.Portal} }
