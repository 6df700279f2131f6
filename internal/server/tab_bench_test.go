package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/ops"
)

// BenchmarkTabFlows measures GET /api/flows in process — SSO verification,
// query parsing, ops.Flows over 1,002 flows in 3 environments from the warm
// upstream cache, and the JSON encoding — the server's time per request.
func BenchmarkTabFlows(b *testing.B) {
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 3, FlowsPerEnvironment: 334, RunsPerFlow: 1, Seed: 1, Now: time.Now()})
	// Share every flow with Adele, so that she sees all of them.
	adele := cloudtest.Adele().ID
	for _, f := range tenant.Flows {
		if f.OwnerID != adele && !slices.Contains(f.SharedWith, adele) {
			f.SharedWith = append(f.SharedWith, adele)
		}
	}
	_, opts, tok := tabDeps(b, cloudtest.Options{Tenant: tenant})
	s, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	for _, bc := range []struct{ name, query string }{
		{"default", ""},
		{"page200-sorted", "?limit=200&sort=modified&desc=true"},
		{"filtered", "?q=e&state=Started&offset=10&limit=20"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/api/flows"+bc.query, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			warm := httptest.NewRecorder()
			h.ServeHTTP(warm, req) // fills the upstream cache
			var list ops.FlowList
			if err := json.Unmarshal(warm.Body.Bytes(), &list); err != nil || warm.Code != http.StatusOK {
				b.Fatalf("warm-up: %d %s", warm.Code, warm.Body)
			}
			if bc.query == "" && list.Total < 1000 {
				b.Fatalf("%d flows visible, want the 1,002 generated", list.Total)
			}
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
