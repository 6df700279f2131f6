package cloud_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/deptest"
)

func TestDeps(t *testing.T) {
	deptest.StandardOnly(t, deptest.Module+"/internal/cloud")
}

// Every cloud has every endpoint, as an https URL; audiences keep the
// trailing slash the services compare.
func TestEveryCloudComplete(t *testing.T) {
	for _, name := range cloud.Names() {
		c, ok := cloud.Get(name)
		if !ok || c.Name != name {
			t.Fatalf("Get(%q) = %+v, %v", name, c, ok)
		}
		for field, v := range map[string]string{
			"Authority": c.Authority, "FlowAPI": c.FlowAPI, "PowerAppsAPI": c.PowerAppsAPI, "BAPAPI": c.BAPAPI,
			"GraphAPI": c.GraphAPI, "BotOpenIDMetadata": c.BotOpenIDMetadata,
		} {
			if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s.%s = %q: not an https URL", name, field, v)
			}
		}
		for field, v := range map[string]string{"FlowAudience": c.FlowAudience, "PowerAppsAudience": c.PowerAppsAudience, "GraphAudience": c.GraphAudience} {
			if !strings.HasPrefix(v, "https://") || !strings.HasSuffix(v, "/") {
				t.Errorf("%s.%s = %q: want https://…/", name, field, v)
			}
		}
	}
	if _, ok := cloud.Get("azure"); ok {
		t.Error(`Get("azure") found a cloud`)
	}
}
