package cloud_test

import (
	"net/url"
	"reflect"
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
			"FlowPortal": c.FlowPortal, "LegacyFlowPortal": c.LegacyFlowPortal, "TeamsWeb": c.TeamsWeb,
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

// Portals are bare origins (links append their paths), distinct per cloud,
// and every Unverified entry names a field of Cloud.
func TestPortalsAndUnverified(t *testing.T) {
	seen := map[string]string{}
	for _, name := range cloud.Names() {
		c, _ := cloud.Get(name)
		for _, v := range []string{c.FlowPortal, c.LegacyFlowPortal} {
			u, err := url.Parse(v)
			if err != nil || u.Path != "" || u.RawQuery != "" {
				t.Errorf("%s: portal %q is not a bare origin", name, v)
			}
			if prev, dup := seen[v]; dup {
				t.Errorf("%s and %s share the portal %s", prev, name, v)
			}
			seen[v] = name
		}
		fields := reflect.TypeOf(c)
		for _, f := range c.Unverified {
			if _, ok := fields.FieldByName(f); !ok {
				t.Errorf("%s: Unverified names %q, which is not a field of Cloud", name, f)
			}
		}
	}
	if c, _ := cloud.Get(cloud.Public); c.FlowPortal != "https://make.powerautomate.com" || c.LegacyFlowPortal != "https://flow.microsoft.com" {
		t.Errorf("public portals %q, %q", c.FlowPortal, c.LegacyFlowPortal)
	}
}
