package config

import (
	"slices"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// The bot's serviceUrl hosts and OpenID metadata come from the cloud unless
// FLOWDECK_BOT_SERVICE_URL_HOSTS names others; a URL or a wildcard is refused.
func TestLoadBotServiceURLHosts(t *testing.T) {
	for _, name := range Clouds() {
		m := validServe()
		m["FLOWDECK_CLOUD"] = name
		c, err := Load(env(m), Serve)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cl, _ := cloud.Get(name)
		if !slices.Equal(c.BotServiceURLHosts, cl.BotServiceURLHosts) || c.BotOpenIDMetadataURL.String() != cl.BotOpenIDMetadata {
			t.Errorf("%s: hosts %v, metadata %s", name, c.BotServiceURLHosts, c.BotOpenIDMetadataURL)
		}
	}
	m := validServe()
	m["FLOWDECK_CLOUD"] = "gcchigh"
	m["FLOWDECK_BOT_SERVICE_URL_HOSTS"] = " SMBA.infra.gov.teams.microsoft.us, smba.example.us "
	c, err := Load(env(m), Serve)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"smba.infra.gov.teams.microsoft.us", "smba.example.us"}; !slices.Equal(c.BotServiceURLHosts, want) {
		t.Errorf("override: %v, want %v", c.BotServiceURLHosts, want)
	}
	for _, bad := range []string{"https://smba.trafficmanager.net", "smba.trafficmanager.net/teams", "*.trafficmanager.net", ",", "host:443"} {
		m["FLOWDECK_BOT_SERVICE_URL_HOSTS"] = bad
		if _, err := Load(env(m), Serve); err == nil || !strings.Contains(err.Error(), "FLOWDECK_BOT_SERVICE_URL_HOSTS") {
			t.Errorf("%q: err = %v, want a FLOWDECK_BOT_SERVICE_URL_HOSTS error", bad, err)
		}
	}
}
