package monitor_test

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// TestFailureCardUpdatedThenRecovered follows one failing flow: the first
// failure gives one card; failures every minute give no new card but one
// update in place at most every 5 minutes ("failed N times since"); the
// first success turns the card into "recovered"; a later failure opens a
// new card.
func TestFailureCardUpdatedThenRecovered(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	fl := f.startedFlows(t, adele)[0]
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID, FlowName: fl.DisplayName})
	chat := f.personal(adele).ConversationID

	f.tick(t, time.Minute) // not due yet: nothing failed, nothing sent
	if s := f.sentTo(chat); len(s.posts)+len(s.updates) != 0 {
		t.Fatalf("sent %d cards before anything failed", len(s.posts)+len(s.updates))
	}
	first := f.fail(t, fl, 0)
	f.tick(t, 4*time.Minute+30*time.Second) // the cycle is due
	s := f.sentTo(chat)
	if len(s.posts) != 1 || len(containing(s.posts, "Flow run failed", first)) != 1 {
		t.Fatalf("after the first failure: %d posts, want one alert naming run %s", len(s.posts), first)
	}
	card := s.posts[0].ActivityID

	// It keeps failing every minute for 9 minutes.
	for range 9 {
		f.fail(t, fl, 0)
		f.tick(t, time.Minute)
	}
	s = f.sentTo(chat)
	if len(s.posts) != 1 {
		t.Fatalf("repeated failures posted %d cards, want the one card", len(s.posts))
	}
	if len(s.updates) == 0 || len(s.updates) > 2 {
		t.Fatalf("the card was updated %d times in 10 minutes, want 1 or 2 (at most every 5 minutes)", len(s.updates))
	}
	for _, u := range s.updates {
		if u.ActivityID != card {
			t.Fatalf("an update went to %s, not the alert card %s", u.ActivityID, card)
		}
	}
	if len(containing(s.updates, "Failed ", " times since")) == 0 {
		t.Fatalf("no update counts the failures: %s", s.updates[len(s.updates)-1].Raw)
	}

	f.succeed(t, fl)
	f.tick(t, 5*time.Minute)
	f.tick(t, 5*time.Minute)
	s = f.sentTo(chat)
	last := s.updates[len(s.updates)-1]
	if last.ActivityID != card || len(containing([]connector.Record{last}, "Flow recovered", "after 10 failures")) != 1 {
		t.Fatalf("the card did not turn into recovered after 10 failures: %s", last.Raw)
	}
	if len(s.posts) != 1 {
		t.Fatalf("recovery posted a new card")
	}
	n := len(s.updates)
	f.tick(t, 5*time.Minute)
	if s = f.sentTo(chat); len(s.updates) != n {
		t.Fatal("the recovered card was updated again")
	}

	again := f.fail(t, fl, 0)
	f.tick(t, 5*time.Minute)
	s = f.sentTo(chat)
	if len(s.posts) != 2 || len(containing(s.posts[1:], again)) != 1 {
		t.Fatalf("a failure after recovery: %d posts, want a new card for %s", len(s.posts), again)
	}
}

// TestChannelSubscription: a team channel watching a flow gets its alert
// in the channel; the user who set it up gets nothing in their own chat.
func TestChannelSubscription(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	fl := f.startedFlows(t, adele)[0]
	channel := flowdeck.ConversationRef{TenantID: adele.TenantID, ConversationID: "19:ops-alerts@thread.tacv2", Scope: flowdeck.ScopeChannel,
		ServiceURL: f.bf.ServiceURL(), BotID: f.personal(adele).BotID, ChannelID: "msteams", TeamID: "19:team@thread.tacv2", ChannelName: "Ops alerts"}
	check(t, f.one().store.PutConversation(t.Context(), channel))
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID, ConversationID: channel.ConversationID})
	run := f.fail(t, fl, 0)
	f.tick(t, 5*time.Minute)
	if posts := f.sentTo(channel.ConversationID).posts; len(posts) != 1 || len(containing(posts, run)) != 1 {
		t.Fatalf("the channel got %d cards, want the alert for %s", len(posts), run)
	}
	if n := len(f.sentTo(f.personal(adele).ConversationID).posts); n != 0 {
		t.Fatalf("Adele's own chat got %d cards for a channel subscription", n)
	}
}
