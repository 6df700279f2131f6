package app

import (
	"github.com/flowdeck/flowdeck/appmanifest"
	"github.com/flowdeck/flowdeck/internal/bot"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// MenuCommands are the bot commands Teams shows in its command menu (it
// shows at most appmanifest.MaxCommands), most useful first. `help` lists all.
var MenuCommands = []string{"help", "failed", "approvals", "flows", "runs", "resubmit", "cancel", "watch", "digest", "connections"}

// ManifestCommands are the menu's commands with the bot's own titles and
// descriptions, so the manifest and the bot never drift.
func ManifestCommands() []appmanifest.Command {
	byName := map[string]string{}
	for _, c := range bot.Commands() {
		byName[c.Name] = c.Description
	}
	var out []appmanifest.Command
	for _, name := range MenuCommands {
		desc, ok := byName[name]
		if !ok || len(out) == appmanifest.MaxCommands {
			continue
		}
		title := name
		if len(title) > appmanifest.MaxCommandTitle {
			continue
		}
		out = append(out, appmanifest.Command{Title: title, Description: flowdeck.Clip(desc, appmanifest.MaxCommandDescription)})
	}
	return out
}
