package monitor_test

import (
	"context"
	"fmt"
	"hash/fnv"
	mrand "math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/monitor"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// loadUsers returns n generated users of the demo tenant (Contoso, where
// the fake Entra ID grants the demo app's consent).
func loadUsers(n int) []demo.User {
	users := make([]demo.User, n)
	for i := range users {
		users[i] = demo.User{ID: fmt.Sprintf("10ad0000-0000-4000-8000-%012d", i+1), TenantID: demo.TenantID,
			Name: fmt.Sprintf("Load User %04d", i+1), UPN: fmt.Sprintf("load%04d@%s", i+1, demo.TenantDomain), JobTitle: "Maker"}
	}
	return users
}

// loadTenant generates a tenant of envs environments whose flows are all
// started, without co-owners, without run history, and owned round-robin by
// users, flowsPerUser each: the fake lists a user exactly the flows they own.
func loadTenant(users []demo.User, flowsPerUser, envs int, seed int64) *powerplatform.Tenant {
	total := len(users) * flowsPerUser
	t := powerplatform.Generate(powerplatform.Spec{Environments: envs, FlowsPerEnvironment: (total + envs - 1) / envs,
		Seed: seed, Users: users, Now: time.Now().UTC()})
	t.Flows = t.Flows[:total]
	for i, fl := range t.Flows {
		fl.OwnerID, fl.SharedWith, fl.Solution = users[i%len(users)].ID, nil, false
		fl.State, fl.SuspensionReason, fl.SuspensionTime = powerplatform.StateStarted, powerplatform.SuspensionNone, time.Time{}
		fl.Runs = nil
	}
	t.Approvals = nil
	return t
}

// addUsers adds users to the fake Entra ID's directory.
func (f *fixture) addUsers(tb testing.TB, users []demo.User) {
	tb.Helper()
	for _, u := range users {
		check(tb, f.cloud.Entra.AddUser(u))
	}
}

// shardOf mirrors the monitor's assignment of users to shards (FNV-1a of
// "tenant/user", lower case, modulo the shard count), so that a test can
// tell which replica works on a user.
func shardOf(u demo.User, shards int) string {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(u.TenantID) + "/" + strings.ToLower(u.ID)))
	return fmt.Sprintf("monitor/shard-%03d", h.Sum32()%uint32(shards))
}

// event is one thing that must give exactly one card: a failed run, or a
// new approval.
type event struct {
	at   time.Duration // after the start
	user demo.User
	flow flowdeck.Flow // a failure's flow
	// approval is set for an approval; run is the failed run, once added.
	approval string
	run      string
	added    time.Time
}

// TestReplicasFailover runs two replicas on one store, each with its own
// connections, over 500 failures (20 users × 25 flows, each failing once at
// a seeded random moment) and a few approvals, and crashes one replica in the
// middle of a tick: its context is cut while its cycles are under way and it
// is Killed (its leases are left to expire). Every event must reach the fake
// Bot Connector exactly once, and the survivor must hold every shard once
// the dead replica's leases expired.
func TestReplicasFailover(t *testing.T) {
	t.Run("postgres", func(t *testing.T) { testReplicasFailover(t, storetest.PostgresSchema(t)) })
	t.Run("sqlite", func(t *testing.T) { testReplicasFailover(t, "") })
}

func testReplicasFailover(t *testing.T, storeURL string) {
	const (
		nUsers       = 20
		flowsPerUser = 25
		nApprovals   = 12
		interval     = time.Minute
		tick         = 10 * time.Second
		shards       = monitor.DefaultShards
		lastEvent    = 7 * time.Minute  // events happen in (0, lastEvent]
		killAfter    = 3 * time.Minute  // the crash comes at the first good chance after this
		runFor       = 10 * time.Minute // fake time in all
	)
	users := loadUsers(nUsers)
	f := newFixture(t, fixtureOptions{tenant: loadTenant(users, flowsPerUser, 2, 7), storeURL: storeURL, replicas: 2,
		opts: monitor.Options{Interval: interval, Tick: tick}})
	f.addUsers(t, users)
	leaseTTL := 3 * tick // the default

	rng := mrand.New(mrand.NewPCG(42, 4242))
	var events []*event
	flowsOf := map[string][]flowdeck.Flow{}
	for i, u := range users {
		f.signIn(t, u)
		fls := f.startedFlows(t, u)
		if len(fls) != flowsPerUser {
			t.Fatalf("%s owns %d started flows, want %d", u.Name, len(fls), flowsPerUser)
		}
		flowsOf[u.ID] = fls
		// Half the users watch everything, half each flow; every fourth user
		// does both, which must still give one card per failure.
		if i%2 == 0 || i%4 == 1 {
			f.watch(t, u, flowdeck.Subscription{Target: flowdeck.WatchAll})
		}
		if i%2 == 1 {
			for _, fl := range fls {
				f.watch(t, u, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID, FlowName: fl.DisplayName})
			}
		}
		for _, fl := range fls {
			events = append(events, &event{at: tick/2 + time.Duration(rng.Int64N(int64(lastEvent-tick/2))), user: u, flow: fl})
		}
	}
	for i := range nApprovals {
		events = append(events, &event{at: tick/2 + time.Duration(rng.Int64N(int64(lastEvent-tick/2))), user: users[rng.IntN(nUsers)],
			approval: fmt.Sprintf("Load approval %02d", i+1)})
	}
	slices.SortFunc(events, func(a, b *event) int { return int(a.at - b.at) })
	start := f.clk.Now()

	// happen adds the events whose time has come: a failed run that started
	// at its moment, or a pending approval for its user.
	next := 0
	happen := func() {
		now := f.clk.Now()
		for ; next < len(events) && !start.Add(events[next].at).After(now); next++ {
			e := events[next]
			e.added = now
			if e.approval == "" {
				e.run = f.fail(t, e.flow, now.Sub(start.Add(e.at)))
				continue
			}
			owner := users[(slices.Index(users, e.user)+1)%nUsers]
			env := flowsOf[e.user.ID][0].EnvironmentID
			_, err := f.cloud.PP.AddApproval(powerplatform.Approval{Environment: env, Title: e.approval, OwnerID: owner.ID, Approvers: []string{e.user.ID}})
			check(t, err)
		}
	}
	alive := []*replica{f.replicas[0], f.replicas[1]}
	// step moves the clock on by one tick and ticks the live replicas at
	// once, as two processes would.
	step := func() {
		f.clk.Advance(tick)
		happen()
		var wg sync.WaitGroup
		for _, r := range alive {
			wg.Go(func() { r.mon.Tick(t.Context()) })
		}
		wg.Wait()
	}

	survivor, victim := f.replicas[0], f.replicas[1]
	var killedAt, tookOverAt time.Time
	var crashEvent *event // the failure of the crash's tick, outside the schedule
	for f.clk.Now().Sub(start) < runFor {
		if !killedAt.IsZero() || f.clk.Now().Sub(start) < killAfter {
			step()
			if !killedAt.IsZero() && tookOverAt.IsZero() && len(survivor.mon.Held()) == shards {
				tookOverAt = f.clk.Now()
			}
			continue
		}
		// The crash: find a user of the victim's shards who is due at the
		// next tick whatever their jitter (oldest watermark a period ago),
		// give them a fresh failure, and cut the victim when that card is
		// out, with its other cycles under way.
		f.clk.Advance(tick)
		happen()
		held := victim.mon.Held()
		if len(held) == 0 || len(survivor.mon.Held()) == 0 {
			t.Fatalf("before the crash the replicas hold %d and %d shards; want both some", len(survivor.mon.Held()), len(held))
		}
		// pending returns a failure of u still to come (each flow fails
		// once), to be brought forward to now.
		pending := func(u demo.User) int {
			for i := next; i < len(events); i++ {
				if events[i].approval == "" && events[i].user.ID == u.ID {
					return i
				}
			}
			return -1
		}
		var due *demo.User
		for _, u := range users {
			if !slices.Contains(held, shardOf(u, shards)) || pending(u) < 0 {
				continue
			}
			subs, err := survivor.store.ListSubscriptions(t.Context(), flowdeck.SubscriptionFilter{TenantID: u.TenantID, UserID: u.ID})
			check(t, err)
			oldest := f.clk.Now()
			for _, s := range subs {
				oldest = minTime(oldest, s.Watermark)
			}
			if !f.clk.Now().Before(oldest.Add(interval)) {
				due = &u
				break
			}
		}
		if due == nil {
			for _, r := range alive {
				r.mon.Tick(t.Context())
			}
			continue // none due for sure at this tick; try the next
		}
		chat := f.personal(*due).ConversationID
		before := len(f.bf.Records(chat))
		i := pending(*due)
		e := events[i]
		events = slices.Delete(events, i, i+1)
		e.at, e.added = f.clk.Now().Sub(start), f.clk.Now()
		e.run = f.fail(t, e.flow, 0)
		crashEvent = e
		ctx, cancel := context.WithCancel(t.Context())
		var wg sync.WaitGroup
		wg.Go(func() { victim.mon.Tick(ctx) })
		wg.Go(func() { survivor.mon.Tick(t.Context()) })
		wctx, wcancel := context.WithTimeout(t.Context(), 30*time.Second)
		_, err := f.bf.WaitFor(wctx, chat, before+1)
		wcancel()
		check(t, err)
		cancel()
		victim.mon.Kill()
		wg.Wait()
		alive = alive[:1]
		killedAt = f.clk.Now()
		t.Logf("crashed %s at +%s holding %d shards, in the middle of %s's cycle", "replica-1", killedAt.Sub(start), len(held), due.Name)
	}
	if killedAt.IsZero() {
		t.Fatal("no chance to crash the victim in the middle of a cycle")
	}
	if next != len(events) {
		t.Fatalf("only %d of %d events happened", next, len(events))
	}
	events = append(events, crashEvent)

	// The survivor took over every shard once the dead replica's leases expired.
	if tookOverAt.IsZero() {
		t.Fatalf("the survivor holds %d of %d shards %s after the crash", len(survivor.mon.Held()), shards, f.clk.Now().Sub(killedAt))
	}
	if d := tookOverAt.Sub(killedAt); d > leaseTTL+2*tick {
		t.Errorf("the survivor took %s to hold every shard, want at most the lease TTL (%s) and two ticks", d, leaseTTL)
	}
	t.Logf("the survivor held all %d shards %s after the crash", shards, tookOverAt.Sub(killedAt))

	// Every event's card went out exactly once.
	posts := map[string][]connector.Record{}
	total := 0
	for _, u := range users {
		chat := f.personal(u).ConversationID
		s := f.sentTo(chat)
		posts[u.ID] = s.posts
		total += len(s.posts)
		if len(s.updates) != 0 {
			t.Errorf("%s: %d cards were updated; each flow failed once and never recovered", u.Name, len(s.updates))
		}
	}
	failures, approvals, lost, dup := 0, 0, 0, 0
	var worst time.Duration
	for _, e := range events {
		want := e.run
		if e.approval != "" {
			want = e.approval
			approvals++
		} else {
			failures++
		}
		got := containing(posts[e.user.ID], want)
		switch {
		case len(got) == 0:
			lost++
			if lost <= 5 {
				t.Errorf("lost: no card for %s of %s (at +%s)", want, e.user.Name, e.at)
			}
		case len(got) > 1:
			dup++
			if dup <= 5 {
				t.Errorf("duplicate: %d cards for %s of %s (at +%s)", len(got), want, e.user.Name, e.at)
			}
		default:
			if d := got[0].At.Sub(e.added); d > worst {
				worst = d
			}
		}
	}
	if lost+dup > 0 {
		t.Fatalf("%d events lost, %d delivered more than once, of %d", lost, dup, len(events))
	}
	if total != len(events) {
		t.Fatalf("the connector has %d cards for %d events", total, len(events))
	}
	if failures < 500 {
		t.Fatalf("only %d failures", failures)
	}
	// A card follows its event within a period and a tick, or, for the
	// dead replica's users, once its leases expired.
	if limit := interval + leaseTTL + 2*tick; worst > limit {
		t.Errorf("the slowest card came %s after its event, want at most %s", worst, limit)
	}
	t.Logf("%d failures and %d approvals, each posted exactly once; slowest card %s after its event", failures, approvals, worst)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
