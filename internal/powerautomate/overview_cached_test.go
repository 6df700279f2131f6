package powerautomate_test

import (
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
)

func TestCachedFlowsAsksNothingAndTellsColdFromWarm(t *testing.T) {
	fx := newFixture(t, fixtureOpts{})
	now := time.Now()
	ov := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{CacheTTL: time.Minute, Now: func() time.Time { return now }})
	fx.pp.ResetRequests()
	if _, ok := ov.CachedFlows(fx.ctx); ok || len(fx.pp.Requests()) != 0 {
		t.Fatalf("cold: ok %v, %d upstream requests", ok, len(fx.pp.Requests()))
	}
	all, err := ov.AllFlows(fx.ctx)
	if err != nil || len(all.Flows) == 0 {
		t.Fatalf("AllFlows: %d flows, %v", len(all.Flows), err)
	}
	fx.pp.ResetRequests()
	got, ok := ov.CachedFlows(fx.ctx)
	id := func(f flowdeck.Flow) string { return f.EnvironmentID + "/" + f.ID }
	if !ok || !slices.Equal(mapFlows(got.Flows, id), mapFlows(all.Flows, id)) || len(fx.pp.Requests()) != 0 {
		t.Fatalf("warm: ok %v, %d flows (AllFlows %d), %d upstream requests", ok, len(got.Flows), len(all.Flows), len(fx.pp.Requests()))
	}
	if _, ok := ov.CachedFlows(flowdeck.WithPrincipal(t.Context(), flowdeck.Principal{TenantID: "other", UserID: "someone"})); ok {
		t.Error("another user's cache is warm")
	}
	now = now.Add(time.Minute)
	if _, ok := ov.CachedFlows(fx.ctx); ok {
		t.Error("warm after the TTL")
	}
}

func mapFlows(fs []flowdeck.Flow, f func(flowdeck.Flow) string) []string {
	var out []string
	for _, x := range fs {
		out = append(out, f(x))
	}
	return out
}
