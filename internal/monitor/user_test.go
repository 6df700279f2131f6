package monitor_test

import (
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/cloudtest"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// localClock returns the fake clock's time in zone as HH:MM, d from now.
func localClock(f *fixture, zone string, d time.Duration) string {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	return f.clk.Now().Add(d).In(loc).Format("15:04")
}

func TestDigestAtTheLocalTime(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	fl := f.startedFlows(t, adele)[0]
	const zone = "Asia/Kolkata" // UTC+05:30: a wrong zone would be hours off
	f.fail(t, fl, time.Hour)
	// Adele watches nothing; she only asked for a digest 12 minutes from now.
	_, err := f.one().ops.SetSettings(as(adele), flowdeck.UserSettings{TimeZone: zone, DigestTime: localClock(f, zone, 12*time.Minute)})
	check(t, err)
	chat := f.personal(adele).ConversationID
	for range 10 { // 10 minutes: not yet
		f.tick(t, time.Minute)
	}
	if n := len(f.sentTo(chat).posts); n != 0 {
		t.Fatalf("%d cards before the digest time", n)
	}
	for range 10 {
		f.tick(t, time.Minute)
	}
	posts := f.sentTo(chat).posts
	if len(posts) != 1 || len(containing(posts, "Your FlowDeck digest", "Failures")) != 1 {
		t.Fatalf("%d cards after the digest time, want one digest with the failure", len(posts))
	}
	if len(containing(posts, fl.DisplayName)) != 1 {
		t.Errorf("the digest does not name the failing flow %q", fl.DisplayName)
	}
}

func TestQuietHoursHoldAlertsUntilTheyEnd(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	fl := f.startedFlows(t, adele)[0]
	const zone = "America/Los_Angeles"
	_, err := f.one().ops.SetSettings(as(adele), flowdeck.UserSettings{TimeZone: zone,
		QuietStart: localClock(f, zone, -time.Hour), QuietEnd: localClock(f, zone, 21*time.Minute)})
	check(t, err)
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID})
	chat := f.personal(adele).ConversationID
	f.fail(t, fl, 0)
	f.tick(t, 5*time.Minute)
	f.fail(t, fl, 0)
	for range 3 {
		f.tick(t, 5*time.Minute)
	}
	if n := len(f.sentTo(chat).posts); n != 0 {
		t.Fatalf("%d cards during quiet hours", n)
	}
	f.tick(t, 5*time.Minute) // 25 minutes: the quiet hours are over
	posts := f.sentTo(chat).posts
	if len(posts) != 1 || len(containing(posts, "Failed 2 times since")) != 1 {
		t.Fatalf("after the quiet hours: %d cards, want one counting both failures", len(posts))
	}
}

// TestDeadRefreshTokenOneSignInCard: Adele's sessions are revoked; when her
// access token runs out (the test's clock moves 70 minutes) the monitor cannot renew it, sends one "sign in
// again" card, pauses her subscriptions and says nothing more until she signs
// in again; then the failures of the meantime arrive.
func TestDeadRefreshTokenOneSignInCard(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	r := f.one()
	fl := f.startedFlows(t, adele)[0]
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID})
	chat := f.personal(adele).ConversationID

	f.cloud.Entra.RevokeRefreshTokens(adele.TenantID, adele.ID)
	// Her access tokens last an hour; then the broker must redeem the
	// revoked refresh token.
	for i := range 14 {
		if i == 10 {
			f.fail(t, fl, 0)
		}
		f.tick(t, 5*time.Minute)
	}
	posts := f.sentTo(chat).posts
	if len(posts) != 1 || len(containing(posts, "Sign in", "paused")) != 1 {
		t.Fatalf("%d cards after the tokens died, want one sign-in card", len(posts))
	}
	subs, err := r.store.ListSubscriptions(t.Context(), flowdeck.SubscriptionFilter{TenantID: adele.TenantID, UserID: adele.ID})
	check(t, err)
	if len(subs) != 1 || !subs[0].Paused {
		t.Fatalf("subscriptions = %+v, want Adele's one, paused", subs)
	}

	f.signIn(t, adele) // she signs in again
	f.tick(t, 30*time.Second)
	f.tick(t, 30*time.Second)
	posts = f.sentTo(chat).posts
	if len(posts) != 2 || len(containing(posts[1:], "Flow run failed")) != 1 {
		t.Fatalf("after signing in again: %d cards, want the sign-in card and the failure of the meantime", len(posts))
	}
}

// TestThrottledUserBacksOff: Power Automate answers 429 with a Retry-After
// of 3 minutes; the monitor asks nothing more for that user until then, and
// the failure's card comes after.
func TestThrottledUserBacksOff(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	fl := f.startedFlows(t, adele)[0]
	f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID})
	chat := f.personal(adele).ConversationID
	run := f.fail(t, fl, 0)
	f.cloud.PP.SetFault(powerplatform.RouteRunsList, powerplatform.Fault{Status: 429, Times: 1, RetryAfter: 3 * time.Minute})
	before := f.cloud.PP.Calls(powerplatform.RouteRunsList)

	f.tick(t, 5*time.Minute) // due: the runs query is throttled
	if n := f.cloud.PP.Calls(powerplatform.RouteRunsList) - before; n != 1 {
		t.Fatalf("%d runs queries in the throttled cycle, want 1 (no retry beyond the 30 s the transport waits)", n)
	}
	for range 5 { // 2.5 minutes: still inside the Retry-After
		f.tick(t, 30*time.Second)
	}
	if n := f.cloud.PP.Calls(powerplatform.RouteRunsList) - before; n != 1 {
		t.Fatalf("%d runs queries before the Retry-After passed, want still 1", n)
	}
	if n := len(f.sentTo(chat).posts); n != 0 {
		t.Fatalf("%d cards while throttled", n)
	}
	f.tick(t, time.Minute)
	if posts := f.sentTo(chat).posts; len(posts) != 1 || len(containing(posts, run)) != 1 {
		t.Fatalf("after the Retry-After: %d cards, want the alert for %s", len(posts), run)
	}
}

// TestBrokerTellsTheMonitorASignInIsNeeded: Adele's sessions are revoked
// and Power Automate refuses her token while she uses the tab, between two
// of her cycles. The broker finds her refresh token dead and queues her
// (flowdeck.SignInQueue, made before both); the monitor's next tick takes
// her from the queue — her cycle is not due — pauses her subscriptions and
// sends one "sign in again" card.
func TestBrokerTellsTheMonitorASignInIsNeeded(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	adele := cloudtest.Adele()
	f.signIn(t, adele)
	r := f.one()
	fl := f.startedFlows(t, adele)[0]
	sub := f.watch(t, adele, flowdeck.Subscription{Target: flowdeck.WatchFlow, EnvironmentID: fl.EnvironmentID, FlowID: fl.ID})
	chat := f.personal(adele).ConversationID
	f.tick(t, 30*time.Second) // her first cycle
	before := len(f.sentTo(chat).posts)

	f.cloud.Entra.RevokeRefreshTokens(adele.TenantID, adele.ID)
	f.cloud.PP.RevokeTokens(adele.TenantID, adele.ID)
	ctx := flowdeck.WithPrincipal(t.Context(), principal(adele)) // the tab's request, without its SSO token
	if _, err := r.ops.Flow(ctx, fl.EnvironmentID, fl.ID); err == nil {
		t.Fatal("Power Automate answered a revoked token")
	}
	if posts := f.sentTo(chat).posts; len(posts) != before {
		t.Fatalf("a card was sent before the monitor's tick: %d", len(posts)-before)
	}
	f.tick(t, time.Second)
	posts := f.sentTo(chat).posts[before:]
	if len(posts) != 1 || len(containing(posts, "Sign in", "paused")) != 1 {
		t.Fatalf("%d cards after the broker found the dead token, want one sign-in card", len(posts))
	}
	subs, err := r.store.ListSubscriptions(t.Context(), flowdeck.SubscriptionFilter{TenantID: adele.TenantID, UserID: adele.ID})
	check(t, err)
	if len(subs) != 1 || subs[0].ID != sub.ID || !subs[0].Paused {
		t.Fatalf("subscriptions = %+v, want Adele's one, paused", subs)
	}
}
