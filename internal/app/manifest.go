package app

import (
	"net/url"

	"github.com/flowdeck/flowdeck/appmanifest"
	"github.com/flowdeck/flowdeck/internal/bot"
	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/config"
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

// PortalHosts are the configured cloud's Power Automate portals (the maker
// portal and its older host, from the cloud table): the links the message
// extension unfurls (the bot's PortalHosts) and the manifest's link domains.
func PortalHosts(c config.Config) []string {
	cl, _ := cloud.Get(c.Cloud)
	return []string{cl.FlowPortal, cl.LegacyFlowPortal}
}

// ManifestLinkDomains are PortalHosts as the manifest's messageHandlers
// domains (host names).
func ManifestLinkDomains(c config.Config) []string {
	var out []string
	for _, h := range PortalHosts(c) {
		if u, err := url.Parse(h); err == nil && u.Hostname() != "" {
			out = append(out, u.Hostname())
		}
	}
	return out
}
