package ops_test

import (
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/graph"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// BenchmarkFlowsByPerson measures ops.Flows over 1,002 flows in 3
// environments from the warm upstream cache and warm names: the first page
// of every flow ("all", the baseline) against the owner search among the
// flows shared with the user ("person"), which names every owner first.
func BenchmarkFlowsByPerson(b *testing.B) {
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 3, FlowsPerEnvironment: 334, RunsPerFlow: 1, Seed: 1,
		Now: time.Now(), Users: demo.UsersOf(demo.TenantID)})
	adele := cloudtest.Adele().ID
	for _, f := range tenant.Flows {
		if f.OwnerID != adele && !slices.Contains(f.SharedWith, adele) {
			f.SharedWith = append(f.SharedWith, adele)
		}
	}
	c := cloudtest.New(b, cloudtest.Options{Tenant: tenant})
	s := ops.New(ops.Options{Flows: c.Flows, Overview: c.Overview, Apps: c.Apps,
		People: graph.NewNames(graph.NamesOptions{Client: c.GraphClient})})
	ctx := cloudtest.As(cloudtest.Adele())
	for _, bc := range []struct {
		name string
		q    ops.FlowQuery
	}{
		{"all", ops.FlowQuery{}},
		{"person", ops.FlowQuery{Whose: ops.WhoseShared, Person: "an"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			warm, err := s.Flows(ctx, bc.q) // fills the upstream cache and the names
			if err != nil || warm.Total == 0 {
				b.Fatalf("warm-up: %d flows, %v", warm.Total, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Flows(ctx, bc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
