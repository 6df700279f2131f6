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
			"FlowPortal": c.FlowPortal, "LegacyFlowPortal": c.LegacyFlowPortal, "TeamsHost": "https://" + c.TeamsHost,
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

// Every cloud has a complete Bot Framework block: a channel issuer, its
// metadata, a .default scope on the issuer's host, Entra issuer prefixes,
// serviceUrl hosts, a Teams host and frame ancestors.
func TestEveryCloudBotFramework(t *testing.T) {
	for _, name := range cloud.Names() {
		c, _ := cloud.Get(name)
		for field, v := range map[string]string{"BotChannelIssuer": c.BotChannelIssuer, "EntraV1Issuer": c.EntraV1Issuer,
			"EntraV2Issuer": c.EntraV2Issuer, "TeamsHost": "https://" + c.TeamsHost} {
			if u, err := url.Parse(v); err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s.%s = %q: not an https URL", name, field, v)
			}
		}
		if c.BotScope != c.BotChannelIssuer+"/.default" {
			t.Errorf("%s.BotScope = %q, want the issuer's .default", name, c.BotScope)
		}
		if len(c.BotServiceURLHosts) == 0 || len(c.FrameAncestors) == 0 {
			t.Errorf("%s: no serviceUrl hosts or frame ancestors", name)
		}
		for _, a := range c.FrameAncestors {
			if !strings.HasPrefix(a, "https://") || strings.ContainsAny(a, " ;,'") {
				t.Errorf("%s frame ancestor %q is not one https CSP source", name, a)
			}
		}
	}
}

// GCC uses the public Bot Service; GCC High and DoD Azure Government's.
func TestBotServicePerCloud(t *testing.T) {
	want := map[string]string{
		cloud.Public: "https://api.botframework.com", cloud.GCC: "https://api.botframework.com",
		cloud.GCCHigh: "https://api.botframework.us", cloud.DoD: "https://api.botframework.us",
		cloud.China: "https://api.botframework.azure.cn",
	}
	for name, iss := range want {
		c, _ := cloud.Get(name)
		if c.BotChannelIssuer != iss {
			t.Errorf("%s: issuer %q, want %q", name, c.BotChannelIssuer, iss)
		}
	}
	gcc, _ := cloud.Get(cloud.GCC)
	pub, _ := cloud.Get(cloud.Public)
	if gcc.BotOpenIDMetadata != pub.BotOpenIDMetadata || gcc.BotScope != pub.BotScope {
		t.Errorf("GCC's Bot Framework metadata/scope differ from the public cloud's: %q %q", gcc.BotOpenIDMetadata, gcc.BotScope)
	}
	high, _ := cloud.Get(cloud.GCCHigh)
	if len(high.BotServiceTenants) != 1 || high.BotServiceTenants[0] != cloud.TenantGovServices {
		t.Errorf("GCC High service tenants = %v", high.BotServiceTenants)
	}
	// Get returns copies: editing one does not change the table.
	high.BotServiceURLHosts[0] = "evil.example"
	if again, _ := cloud.Get(cloud.GCCHigh); again.BotServiceURLHosts[0] != "smba.infra.gov.teams.microsoft.us" {
		t.Errorf("the table changed through a copy: %v", again.BotServiceURLHosts)
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
