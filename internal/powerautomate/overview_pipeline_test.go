package powerautomate_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/powerautomate"
)

// FlowsEach hands every flow once, page by page, and ends with the list
// Flows returns.
func TestFlowsEachHandsEveryPageOnce(t *testing.T) {
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 1, FlowsPerEnvironment: 40, RunsPerFlow: 2, Seed: 5, Now: time.Now()})
	fx := newFixture(t, fixtureOpts{tenant: tenant, pageSize: 7})
	env := tenant.Environments[0].Name
	var (
		mu    sync.Mutex
		pages int
		seen  = map[string]int{}
	)
	got, err := fx.client.FlowsEach(fx.ctx, env, func(fs []flowdeck.Flow) {
		mu.Lock()
		defer mu.Unlock()
		pages++
		if len(fs) > 7 {
			t.Errorf("a page of %d flows; the fake's pages hold 7", len(fs))
		}
		for _, f := range fs {
			seen[strings.ToLower(f.ID)]++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := fx.client.Flows(fx.ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(seen) != len(want) || pages < len(want)/7 {
		t.Fatalf("FlowsEach: %d flows in %d pages, %d distinct handed; Flows: %d", len(got), pages, len(seen), len(want))
	}
	for i, f := range want {
		if seen[strings.ToLower(f.ID)] != 1 {
			t.Fatalf("flow %s handed %d times", f.ID, seen[strings.ToLower(f.ID)])
		}
		if got[i].ID != f.ID || got[i].Shared != f.Shared {
			t.Fatalf("flow %d: FlowsEach %+v, Flows %+v", i, got[i], f)
		}
	}
}

// The runs of the first page of flows are asked while the environment's
// later pages are still loading: the fake holds every flows page after the
// first two (the first page of each of the two listings) until a runs call
// has been answered.
func TestFailuresAskRunsWhileFlowsLoad(t *testing.T) {
	hold := make(chan struct{})
	var once sync.Once
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 1, FlowsPerEnvironment: 40, RunsPerFlow: 20, Seed: 3, Now: time.Now()})
	fx := newFixture(t, fixtureOpts{tenant: tenant, pageSize: 5, onRequest: func(r powerplatform.LoggedRequest) {
		if r.Route == powerplatform.RouteRunsList {
			once.Do(func() { close(hold) })
		}
	}})
	fx.pp.SetFault(powerplatform.RouteFlowsList, powerplatform.Fault{Hold: hold, HoldAfter: 2})
	ov := powerautomate.NewOverview(fx.client, powerautomate.OverviewOptions{})
	// Without the pipeline, the held pages are never released: the
	// deadline fails the test instead of hanging it.
	ctx, cancel := context.WithTimeout(fx.ctx, 20*time.Second)
	defer cancel()
	rep, err := ov.Failures(ctx, time.Now().Add(-7*24*time.Hour))
	if err != nil {
		t.Fatalf("failures while the flow pages were held: %v (were runs asked before the last page?)", err)
	}
	all, err := fx.client.Flows(fx.ctx, tenant.Environments[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Partial) != 0 || len(rep.Flows) == 0 {
		t.Fatalf("report: %d failing flows, partial %+v", len(rep.Flows), rep.Partial)
	}
	byID := map[string]flowdeck.Flow{}
	for _, f := range all {
		byID[f.ID] = f
	}
	for _, ff := range rep.Flows {
		if f := byID[ff.Flow.ID]; f.ID == "" || f.Shared != ff.Flow.Shared {
			t.Fatalf("reported flow %+v; listed %+v (the final listing decides Shared)", ff.Flow, f)
		}
	}
}
