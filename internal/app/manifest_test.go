package app_test

import (
	"net/url"
	"testing"

	"github.com/flowdeck/flowdeck/appmanifest"
	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/bot"
	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestManifestMessageExtension: the manifest's search command ids are the
// bot's, and in every cloud its link domains are the portals the bot
// unfurls, which the manifest accepts.
func TestManifestMessageExtension(t *testing.T) {
	for got, want := range map[string]string{appmanifest.SearchFlowsID: bot.CommandSearchFlows,
		appmanifest.SearchFailedID: bot.CommandSearchFailed, appmanifest.SearchApprovalsID: bot.CommandSearchApprovals} {
		if got != want {
			t.Errorf("manifest command %q, bot command %q", got, want)
		}
	}
	for _, name := range cloud.Names() {
		c := config.Config{Cloud: name, ClientID: "5a8f3c2e-1d4b-4e6f-9a7c-2b1d0e3f4a5b", PublicURL: &url.URL{Scheme: "https", Host: "flowdeck.contoso.com"}}
		domains := app.ManifestLinkDomains(c)
		if len(domains) != 2 {
			t.Fatalf("%s: domains %v", name, domains)
		}
		if _, err := appmanifest.Manifest(appmanifest.Options{ClientID: c.ClientID, PublicURL: c.PublicURL, LinkDomains: domains}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		cl, _ := cloud.Get(name)
		link := flowdeck.Portal(cl.FlowPortal).FlowURL("Default-72f988bf-86f1-41af-91ab-2d7cd011db47", "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f")
		if _, ok := flowdeck.ParsePortalLink(link, app.PortalHosts(c)); !ok {
			t.Errorf("%s: the bot does not read its own portal's link %s", name, link)
		}
	}
}
