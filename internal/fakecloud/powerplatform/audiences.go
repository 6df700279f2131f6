package powerplatform

import (
	"fmt"

	"github.com/flowdeck/flowdeck/internal/cloud"
)

// accepted are the token audiences each API accepts, compared exactly.
type accepted struct {
	flow, powerApps, bap []string
	// v1Issuer and v2Issuer are the cloud's Entra issuer prefixes.
	v1Issuer, v2Issuer string
}

// powerAppsExtra are the audiences the public Power Apps RP lists besides
// its own: "'https://service.powerapps.com/','https://apps.powerapps.com',
// 'https://apps.powerapps.com/',…" (microsoft/Power-Fx issue #2986). The
// list there goes on with https://apihub.azure.com and
// https://api.powerplatform.com; the fake leaves those out (stricter), and
// accepts the apps.powerapps.com forms on api.powerapps.com only: that BAP
// takes them too is unverified.
var powerAppsExtra = []string{"https://apps.powerapps.com", "https://apps.powerapps.com/"}

// audiencesFor fills opts' audiences from its cloud and returns what each
// API accepts. Flow accepts its one audience only: the 2023 list of
// microsoft/coe-starter-kit issue #5897 also named ARM and Power Apps
// audiences, which no newer source confirms (unverified, so refused).
func audiencesFor(opts *Options) (accepted, error) {
	name := opts.Cloud
	if name == "" {
		name = cloud.Public
	}
	cl, ok := cloud.Get(name)
	if !ok {
		return accepted{}, fmt.Errorf("powerplatform: unknown cloud %q", opts.Cloud)
	}
	opts.Cloud = name
	if opts.FlowAudience == "" {
		opts.FlowAudience = cl.FlowAudience
	}
	if opts.PowerAppsAudience == "" {
		opts.PowerAppsAudience = cl.PowerAppsAudience
	}
	a := accepted{
		v1Issuer:  cl.EntraV1Issuer,
		v2Issuer:  cl.EntraV2Issuer,
		flow:      []string{opts.FlowAudience},
		powerApps: []string{opts.PowerAppsAudience},
		bap:       []string{opts.PowerAppsAudience},
	}
	if name == cloud.Public {
		a.powerApps = append(a.powerApps, powerAppsExtra...)
	}
	return a, nil
}
