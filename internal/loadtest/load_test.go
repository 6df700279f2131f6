package loadtest

import (
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/localcloud"

	"context"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
)

// newLoadStack starts a stack for a load test of n users with the load
// command's own configuration, and signs them in and posts their cards.
func newLoadStack(t *testing.T, n int) (*localcloud.Stack, *connector.Driver, []*loadUser) {
	t.Helper()
	c, err := Config(t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !c.RateLimitIP.Off() || c.RateLimitUser.Off() {
		t.Fatalf("rate limits per address %v, per user %v: want the first off and the second on", c.RateLimitIP, c.RateLimitUser)
	}
	so := loadStackOptions(n, 1)
	so.Config = c
	s, err := localcloud.StartStack(t.Context(), so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d, err := newLoadDriver(s, n)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	users, err := prepareLoad(ctx, s, d, so.Users, so.Tenant)
	if err != nil {
		t.Fatal(err)
	}
	// The users chose in the tab before signing in: the monitor has no
	// default subscription to act on, so it posts nothing into the run.
	for _, u := range users {
		subs, err := s.Main.Parts().Store.ListSubscriptions(ctx, flowdeck.SubscriptionFilter{TenantID: u.user.TenantID, UserID: u.user.ID})
		if err != nil || len(subs) != 0 {
			t.Fatalf("%s has subscriptions %v (%v), want none", u.user.Name, subs, err)
		}
	}
	return s, d, users
}

// TestLoadShort is the load test in its short form: 50 users for 5 s,
// mixing commands, card actions and tab calls, with no error and every
// reply at the connector. Each user acts every 3 s on average (about 17
// actions a second in all): under -race, on two cores shared with other
// work, that leaves the stack room to answer well within the test's time.
func TestLoadShort(t *testing.T) {
	s, d, users := newLoadStack(t, 50)
	o := loadOptions{Duration: 5 * time.Second, Think: 3 * time.Second, Drain: 20 * time.Second, Seed: 1}
	res := runLoad(t.Context(), s, d, users, o)
	var report strings.Builder
	res.Write(&report, "SQLite")
	t.Log("\n" + report.String())

	if n := res.Errors(); n != 0 {
		t.Errorf("%d errors", n)
	}
	if n := res.Lost(); n != 0 {
		t.Errorf("%d lost replies", n)
	}
	if res.Failed() {
		t.Errorf("the run failed")
	}
	for _, k := range loadKinds {
		if res.Count(k) == 0 {
			t.Errorf("no %s traffic", k)
		}
	}
	if !strings.Contains(report.String(), "lost replies: 0;") || !strings.Contains(report.String(), "PASS") {
		t.Errorf("the report does not say 0 lost replies and PASS")
	}
}

// TestLoadReportsLostReplies: when the connector refuses the replies of one
// conversation (the user blocked the bot), the load test counts them as lost
// there and fails; the other users' replies are all counted.
func TestLoadReportsLostReplies(t *testing.T) {
	s, d, users := newLoadStack(t, 3)
	// The blocked user is drained last: the others' replies are waited for
	// first, and its wait takes what is left of the drain.
	blocked := users[len(users)-1]
	s.Cloud.Connector.Block(blocked.conv)
	o := loadOptions{Duration: time.Second, Think: 200 * time.Millisecond, Drain: 5 * time.Second, Seed: 1, Mix: loadMix{Command: 1}}
	res := runLoad(t.Context(), s, d, users, o)
	var report strings.Builder
	res.Write(&report, "SQLite")
	t.Log("\n" + report.String())

	if res.Lost() == 0 || !res.Failed() {
		t.Fatalf("lost %d, failed %v; want replies lost and the run failed", res.Lost(), res.Failed())
	}
	if len(res.lostConvs) != 1 || res.lostConvs[0] != blocked.conv {
		t.Errorf("lost in %v, want only %s", res.lostConvs, blocked.conv)
	}
	if !strings.Contains(report.String(), "FAIL") || strings.Contains(report.String(), "lost replies: 0;") {
		t.Errorf("the report does not show the lost replies")
	}
}

// TestLoadErrorAnswers: what counts as an error in an invoke's answer or a
// reply.
func TestLoadErrorAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		bad        bool
	}{
		{"card", `{"statusCode":200,"type":"application/vnd.microsoft.card.adaptive","value":{"body":[{"type":"TextBlock","text":"Purchase"}]}}`, false},
		{"message", `{"statusCode":200,"type":"application/vnd.microsoft.activity.message","value":"Done."}`, false},
		{"error status", `{"statusCode":400,"type":"application/vnd.microsoft.error","value":{"code":"invalid","message":"no"}}`, true},
		{"error card", `{"statusCode":200,"type":"application/vnd.microsoft.card.adaptive","value":{"body":[{"type":"TextBlock","text":"Something stopped FlowDeck"}]}}`, true},
		{"refusal card", `{"statusCode":200,"type":"application/vnd.microsoft.card.adaptive","value":{"body":[{"type":"TextBlock","text":"FlowDeck did not do that"}]}}`, true},
		{"sign-in card", `{"statusCode":200,"type":"application/vnd.microsoft.card.adaptive","value":{"contentType":"application/vnd.microsoft.card.oauth"}}`, true},
		{"not JSON", `<html>`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := invokeProblem([]byte(tc.body)); (got != "") != tc.bad {
				t.Errorf("invokeProblem = %q, want an error: %v", got, tc.bad)
			}
		})
	}
}
