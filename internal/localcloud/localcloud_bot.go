package localcloud

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/flowdeck/flowdeck/internal/cloud"
	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// playBotCloud makes the local cloud play the Bot Framework side of c's
// cloud: the fake Entra ID knows the cloud's Bot Framework resource (the
// connector scope's), and the returned options make the fake Bot Framework
// sign channel tokens as the cloud's issuers and accept only a connector
// token for the cloud's audience.
func (lc *Cloud) playBotCloud(c *config.Config) (connector.CloudOptions, error) {
	cl, ok := cloud.Get(c.Cloud)
	if !ok {
		return connector.CloudOptions{}, fmt.Errorf("local cloud: unknown cloud %q", c.Cloud)
	}
	resource := strings.TrimSuffix(cl.BotScope, "/.default")
	if resource != entra.BotFrameworkResource {
		// A made-up app id, as the public resource's is.
		if err := lc.Entra.AddResource(entra.Resource{ID: resource, AppID: botResourceAppIDs[cl.BotChannelIssuer],
			Name: "Bot Framework (" + cl.Name + ")"}); err != nil {
			return connector.CloudOptions{}, fmt.Errorf("fake Entra ID: %w", err)
		}
	}
	return connector.CloudOptions{
		ChannelIssuer: cl.BotChannelIssuer, BotAudience: resource, TenantID: c.TenantID,
		EntraV1Issuer: cl.EntraV1Issuer, EntraV2Issuer: cl.EntraV2Issuer, EntraSign: lc.Entra.Sign,
	}, nil
}

// botResourceAppIDs are made-up app ids of the other clouds' Bot Framework
// resources in the fake Entra ID.
var botResourceAppIDs = map[string]string{
	"https://api.botframework.us":       "5f2e0b9c-4c1e-4d53-9b8a-2d6f0b1e7a10",
	"https://api.botframework.azure.cn": "5f2e0b9c-4c1e-4d53-9b8a-2d6f0b1e7a11",
}

// connHost is the fake connector's host name, for FLOWDECK_BOT_SERVICE_URL_HOSTS.
func (lc *Cloud) connHost() string {
	u, err := url.Parse(lc.Connector.ServiceURL())
	if err != nil {
		return ""
	}
	return u.Hostname()
}
