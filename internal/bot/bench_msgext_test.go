package bot_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/bot"
	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
)

// slowRoutes are the Power Platform routes a search may call.
var slowRoutes = []string{powerplatform.RouteEnvironmentsList, powerplatform.RouteEnvironmentsGet, powerplatform.RouteFlowsList,
	powerplatform.RouteFlowsGet, powerplatform.RouteRunsList, powerplatform.RouteRunsGet, powerplatform.RouteApprovalsList,
	powerplatform.RouteApprovalsGet, powerplatform.RoutePAEnvironmentsList, powerplatform.RoutePAEnvironmentsGet,
	powerplatform.RouteBAPEnvironmentsList, powerplatform.RouteBAPEnvironmentsGet}

// BenchmarkComposeSearch1000Flows is the message extension's flow search
// as Teams sends it while a user types: composeExtension/query through the
// bot endpoint (channel token verified), for a user with 1,000 flows in 10
// environments, 40 ms of latency on every Power Platform route. "warm" is
// the keystrokes within the overview's cache; "cold-snapshot" a query whose
// overview cache is cold (after its TTL, or on another replica) with the
// user's flows snapshot in the store: it answers from the snapshot and
// starts a background refresh (the cache stays cold here, so every query is
// such a first one, with a refresh in flight); "cold" the first search ever,
// with no snapshot either: every environment's flows read live.
// "failed-snapshot" is the failed-runs search on a cold cache with the
// user's 7-day dashboard snapshot (younger than Options.SnapshotFresh, so no
// refresh); "approvals-cold" the approvals search, always asked live (1
// environments call and 10 approval lists). It reports the p95 and p50 time
// to the answer.
func BenchmarkComposeSearch1000Flows(b *testing.B) {
	texts := []string{"invoice", "approval", "report", "sync", "a", "onboarding", "expense", "weekly"}
	for _, c := range []struct {
		name, command   string
		cold, snapshots bool
	}{{"cold", bot.CommandSearchFlows, true, false}, {"cold-snapshot", bot.CommandSearchFlows, true, true}, {"warm", bot.CommandSearchFlows, false, false},
		{"failed-snapshot", bot.CommandSearchFailed, true, true}, {"approvals-cold", bot.CommandSearchApprovals, true, false}} {
		b.Run(c.name, func(b *testing.B) {
			adele := cloudtest.Adele()
			tenant := powerplatform.Generate(powerplatform.Spec{Environments: 10, FlowsPerEnvironment: 100, RunsPerFlow: 5, Approvals: 20,
				Seed: 20, Now: time.Now(), Users: []demo.User{adele}})
			w := newWorld(b, worldOptions{fast: true, quiet: true, coldCache: c.cold, snapshots: c.snapshots, tenant: tenant})
			w.signIn(b, adele)
			flows, err := w.ops.AllFlows(as(adele))
			if err != nil || len(flows.Flows) != 1000 {
				b.Fatalf("%d flows, %v", len(flows.Flows), err)
			}
			if c.snapshots { // that read kept the snapshot
				if _, err := w.store.GetSnapshot(b.Context(), adele.TenantID, adele.ID, "flows"); err != nil {
					b.Fatalf("no flows snapshot: %v", err)
				}
			}
			if c.command == bot.CommandSearchFailed { // keeps the 7-day snapshot
				if _, err := w.ops.Dashboard(as(adele), "7d"); err != nil {
					b.Fatal(err)
				}
			}
			for _, r := range slowRoutes {
				w.cloud.PP.SetFault(r, powerplatform.Fault{Latency: 40 * time.Millisecond})
			}
			chat := connector.GroupChat("bench")
			var d []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				res, err := w.drv.ComposeQuery(b.Context(), adele, chat, c.command, texts[i%len(texts)], 0, 25)
				d = append(d, time.Since(start))
				i++
				var body struct {
					ComposeExtension struct {
						Type        string `json:"type"`
						Attachments []any  `json:"attachments"`
					} `json:"composeExtension"`
				}
				if err != nil || res.Status != http.StatusOK || json.Unmarshal(res.Body, &body) != nil || body.ComposeExtension.Type != "result" {
					b.Fatalf("query: %v %d %s", err, res.Status, res.Body)
				}
			}
			slices.Sort(d)
			q := func(p float64) float64 {
				return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
			}
			b.ReportMetric(q(0.50), "p50-ms")
			b.ReportMetric(q(0.95), "p95-ms")
		})
	}
}
