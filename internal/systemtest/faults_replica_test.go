package systemtest

import (
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/app"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// startReplica starts a second FlowDeck on the stack's configuration (the
// same database and local cloud) on a port of its own, closed when the test
// ends.
func (s *stack) startReplica(t *testing.T) *app.Main {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config
	c.Listen = ln.Addr().String()
	m := &app.Main{Config: c, Logger: slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		Version: "test", Listener: ln, RunContentHosts: []string{s.Cloud.PowerPlatform.ContentHost()}}
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close the second replica: %v", err)
		}
	})
	return m
}

// shardOf is the monitor's shard lease of u among shards (the monitor
// hashes "tenant/user" with FNV-1a); the test uses it only to check that the
// replica it kills holds users.
func shardOf(u demo.User, shards int) string {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(u.TenantID) + "/" + strings.ToLower(u.ID)))
	return fmt.Sprintf("monitor/shard-%03d", h.Sum32()%uint32(shards))
}

// TestFaultReplicaKilledMidCycle: two replicas share one PostgreSQL schema
// and split the users' shards. Flows of every user fail, and one replica is
// killed (its leases are not released) while its cycle reads runs. Once its
// leases expire, the other replica takes its shards over, and every user —
// those of the killed replica included — gets their alert exactly once.
func TestFaultReplicaKilledMidCycle(t *testing.T) {
	c := faultConfig(t, storetest.PostgresSchema(t))
	// Three shards: every one holds a demo user (shardOf spreads the six
	// 2, 1, 2, 2, 2, 0), so whichever the replicas share out, each has users.
	c.MonitorShards = 3
	s := newFaultStack(t, c)
	ctx := faultCtx(t)
	second := s.startReplica(t)
	users := demo.UsersOf(demo.TenantID)
	subs := map[string]flowdeck.Subscription{}
	for _, u := range users {
		s.signIn(ctx, t, u)
		subs[u.ID] = s.watchAll(ctx, t, u)
	}
	first, killed := s.Main.Parts().Monitor, second.Parts().Monitor
	waitUntil(ctx, t, "the replicas share the shards out", func() bool {
		a, b := len(first.Held()), len(killed.Held())
		return a > 0 && b > 0 && a+b == c.MonitorShards
	})
	var victims []demo.User
	for _, u := range users {
		if slices.Contains(killed.Held(), shardOf(u, c.MonitorShards)) {
			victims = append(victims, u)
		}
	}
	if len(victims) == 0 || len(victims) == len(users) {
		t.Fatalf("the killed replica would hold %d of %d users; the test needs some on each", len(victims), len(users))
	}

	// Slow run queries keep the cycles under way when the kill comes.
	s.Cloud.PowerPlatform.SetFault(powerplatform.RouteRunsList, powerplatform.Fault{Latency: 300 * time.Millisecond})
	failedAt := map[string]time.Time{}
	for _, u := range users {
		failedAt[u.ID] = s.failRun(t, u)
	}
	since := time.Now()
	waitUntil(ctx, t, "the killed replica's cycle reads a victim's flows", func() bool {
		return len(s.upstreamCalls(powerplatform.RouteFlowsList, victims[0], since)) > 0
	})
	killed.Kill()

	for _, u := range users {
		wantAlertOnce(ctx, t, s, u, subs[u.ID].ID, failedAt[u.ID])
	}
	waitUntil(ctx, t, "the surviving replica holds every shard", func() bool { return len(first.Held()) == c.MonitorShards })
}
