package monitor_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/monitor"
)

func TestApprovalCardOnceAndReminder(t *testing.T) {
	f := newFixture(t, fixtureOptions{opts: monitor.Options{ReminderAfter: 20 * time.Minute}})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchAll})
	env := f.startedFlows(t, adele)[0].EnvironmentID
	chat := f.personal(adele).ConversationID

	f.tick(t, 5*time.Minute)
	if n := len(f.sentTo(chat).posts); n != 0 {
		t.Fatalf("approvals pending before Adele watched gave %d cards", n)
	}
	name, err := f.cloud.PP.AddApproval(powerplatform.Approval{Environment: env, Title: "Buy 12 laptops for the new hires",
		OwnerID: demo.Users()[1].ID, Approvers: []string{adele.ID}})
	check(t, err)
	for range 3 {
		f.tick(t, 5*time.Minute)
	}
	cardsFor := func() int { return len(containing(f.sentTo(chat).posts, "Buy 12 laptops")) }
	if n := cardsFor(); n != 1 {
		t.Fatalf("the new approval gave %d cards in 15 minutes, want 1", n)
	}
	f.tick(t, 5*time.Minute) // 20 minutes after it arrived
	f.tick(t, 5*time.Minute)
	if n := cardsFor(); n != 2 {
		t.Fatalf("after 20 minutes: %d cards, want the card and one reminder", n)
	}
	check(t, f.cloud.PP.RespondElsewhere(name, adele.ID, "Approve", ""))
	f.tick(t, 5*time.Minute)
	if n := cardsFor(); n != 2 {
		t.Fatalf("an answered approval gave more cards: %d", n)
	}
}

func TestFlowTurnedOffAndSuspendedNotices(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	flows := f.startedFlows(t, adele)
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchAll})
	chat := f.personal(adele).ConversationID
	f.tick(t, 5*time.Minute) // the first look records every flow's state

	check(t, f.cloud.PP.SetFlowState(flows[0].EnvironmentID, flows[0].ID, "Suspended", "AlwaysFailingDetected"))
	check(t, f.cloud.PP.SetFlowState(flows[1].EnvironmentID, flows[1].ID, "Stopped", ""))
	for range 3 {
		f.tick(t, 5*time.Minute)
	}
	posts := f.sentTo(chat).posts
	if n := len(containing(posts, "Flow suspended", "failed continuously")); n != 1 {
		t.Errorf("%d suspended notices, want 1 with the reason", n)
	}
	if n := len(containing(posts, "Flow turned off")); n != 1 {
		t.Errorf("%d turned-off notices, want 1", n)
	}
	if len(posts) != 2 {
		t.Errorf("%d cards, want the two notices", len(posts))
	}
}

func TestIdleFlowNotice(t *testing.T) {
	start := time.Now().UTC().Truncate(time.Second)
	tenant := powerplatform.Generate(powerplatform.Spec{Environments: 1, FlowsPerEnvironment: 4, RunsPerFlow: 0, Seed: 7, Now: start,
		Users: demo.UsersOf(demo.TenantID)[:1]})
	f := newFixture(t, fixtureOptions{tenant: tenant, opts: monitor.Options{IdleDays: 7}})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	flows := f.startedFlows(t, adele)
	if len(flows) == 0 {
		t.Fatal("the generated tenant gave Adele no started flows")
	}
	fl := flows[0]
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID})
	for range 4 {
		f.tick(t, 5*time.Minute)
	}
	posts := f.sentTo(f.personal(adele).ConversationID).posts
	if len(posts) != 1 || len(containing(posts, "Flow not running", "7 days")) != 1 {
		t.Fatalf("idle flow: %d cards, want one idle notice", len(posts))
	}
}

func TestMutedFlowSaysNothing(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	fl := f.startedFlows(t, adele)[0]
	sub := f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID})
	check(t, f.one().store.SetMutedUntil(t.Context(), sub.ID, f.clk.Now().Add(12*time.Minute)))
	chat := f.personal(adele).ConversationID
	f.fail(t, fl, 0)
	f.tick(t, 5*time.Minute)
	f.tick(t, 5*time.Minute)
	if n := len(f.sentTo(chat).posts); n != 0 {
		t.Fatalf("a muted flow gave %d cards", n)
	}
	f.tick(t, 5*time.Minute) // the mute has ended
	later := f.fail(t, fl, 0)
	f.tick(t, 5*time.Minute)
	posts := f.sentTo(chat).posts
	if len(posts) != 1 || len(containing(posts, later, "Flow run failed")) != 1 {
		t.Fatalf("after the mute: %d cards, want one for the new failure only", len(posts))
	}
	if strings.Contains(string(posts[0].Raw), "times since") {
		t.Fatal("the card counts failures from the muted time")
	}
}

// TestCloseLeavesNoGoroutine starts the loop, lets it tick on the fake
// clock, closes it, and finds no goroutine of the monitor left.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchAll})
	m := f.one().mon
	m.Start()
	for i := 0; i < 3; i++ {
		waitFor(t, func() bool { return f.clk.Timers() == 1 }) // the loop waits for its next tick
		f.clk.Advance(30 * time.Second)
	}
	check(t, m.Close())
	if held := m.Held(); len(held) != 0 {
		t.Fatalf("still holds %v after Close", held)
	}
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	if strings.Contains(stacks, "internal/monitor.(*Monitor)") {
		t.Fatalf("a monitor goroutine is left after Close:\n%s", stacks)
	}
}

// waitFor polls cond until it holds; the loop goroutine gets there on its own.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
		runtime.Gosched()
	}
}
