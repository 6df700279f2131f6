package powerautomate

import (
	"cmp"
	"context"
	"slices"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// CachedFlows returns what AllFlows would answer, from the short-lived cache
// alone: ok is false unless the user's environments and every environment's
// flow list are cached and fresh. It asks nothing upstream, so a caller can
// tell a warm cache from a cold one (another replica, or the TTL passed).
func (ov *Overview) CachedFlows(ctx context.Context) (FlowsReport, bool) {
	e, ok := ov.cache.peek(ctx)
	if !ok {
		return FlowsReport{}, false
	}
	envs, ok := e.getEnvs()
	if !ok {
		return FlowsReport{}, false
	}
	var rep FlowsReport
	for _, env := range envs {
		fs, ok := e.getFlows(env.ID)
		if !ok {
			return FlowsReport{}, false
		}
		rep.Flows = append(rep.Flows, fs...)
	}
	sortFlows(rep.Flows)
	return rep, true
}

// sortFlows sorts flows by environment, name and id, as AllFlows answers.
func sortFlows(fs []flowdeck.Flow) {
	slices.SortFunc(fs, func(a, b flowdeck.Flow) int {
		return cmp.Or(cmp.Compare(a.EnvironmentID, b.EnvironmentID), cmp.Compare(a.DisplayName, b.DisplayName), cmp.Compare(a.ID, b.ID))
	})
}

// peek returns the principal's entry without making one.
func (c *cache) peek(ctx context.Context) (*cacheEntry, bool) {
	p, ok := flowdeck.PrincipalFrom(ctx)
	if !ok {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.m[p.TenantID+"/"+p.UserID]
	return e, e != nil
}
