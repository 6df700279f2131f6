package systemtest

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/cards"
	"github.com/flowdeck/flowdeck/internal/fakecloud/connector"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/loadtest"
	"github.com/flowdeck/flowdeck/internal/localcloud"
)

// eventClock is virtual time for a known set of actors (goroutines that
// send through the connector client): it moves to the next deadline only
// when every actor still at work waits on it, as a discrete-event
// simulation does. No actor is ever in flight while time moves, so the fake
// connector sees each request at the very time the client booked for it,
// and nothing sleeps.
type eventClock struct {
	mu      sync.Mutex
	now     time.Time
	active  int // actors not done
	waiters []*clockWaiter
}

type clockWaiter struct {
	until time.Time
	ch    chan struct{}
}

func newEventClock(actors int) *eventClock {
	return &eventClock{now: time.Now(), active: actors}
}

// Now implements botframework.Clock.
func (c *eventClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Wait implements botframework.Clock.
func (c *eventClock) Wait(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	c.mu.Lock()
	w := &clockWaiter{until: c.now.Add(d), ch: make(chan struct{})}
	c.waiters = append(c.waiters, w)
	c.advanceLocked()
	c.mu.Unlock()
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		for i, x := range c.waiters {
			if x == w {
				c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
				break
			}
		}
		c.mu.Unlock()
		return ctx.Err()
	}
}

// done says one actor finished.
func (c *eventClock) done() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active--
	c.advanceLocked()
}

// advanceLocked moves to the earliest deadline and wakes every waiter due,
// when all actors at work are waiting. c.mu is held.
func (c *eventClock) advanceLocked() {
	if len(c.waiters) == 0 || len(c.waiters) < c.active {
		return
	}
	sort.Slice(c.waiters, func(i, j int) bool { return c.waiters[i].until.Before(c.waiters[j].until) })
	if c.waiters[0].until.After(c.now) {
		c.now = c.waiters[0].until
	}
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.until.After(c.now) {
			kept = append(kept, w)
		} else {
			close(w.ch)
		}
	}
	c.waiters = kept
}

// burstUsers is the size of the alert burst.
const burstUsers = 500

// TestAlertBurstStaysUnderTeamsLimits: a failure alert for each of 500 users
// of one tenant, all at once, through the running service's proactive
// poster. Teams allows a bot 50 requests a second per tenant: FlowDeck's
// connector client paces the burst by waiting (on virtual time), so every
// card arrives exactly once, in its user's chat, and the fake connector,
// which enforces every documented limit, refuses nothing.
func TestAlertBurstStaysUnderTeamsLimits(t *testing.T) {
	clk := newEventClock(burstUsers)
	s := newStack(t, localcloud.StackOptions{Config: faultConfig(t, ""), Tenant: faultTenant(), ConnectorClock: clk})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	conn := s.Cloud.Connector
	users := loadtest.Users(burstUsers)
	refs := make([]flowdeck.ConversationRef, len(users))
	for i, u := range users {
		refs[i] = flowdeck.ConversationRef{TenantID: u.TenantID, ConversationID: s.Driver.ConversationID(u), Scope: flowdeck.ScopePersonal,
			UserID: u.ID, ServiceURL: conn.ServiceURL(), BotID: "28:" + s.Config.ClientID, ChannelID: "msteams"}
		conn.AddConversation(refs[i].ConversationID, u.TenantID) // installed, as Teams knows
	}
	start := clk.Now()
	calls := len(conn.Calls())

	errs := make([]error, len(users))
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			defer clk.done()
			_, errs[i] = s.Main.Parts().CardActions.PostAlert(ctx, refs[i], burstAlert(u, i))
		})
	}
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("alert for %s: %v", users[i].Name, err)
		}
	}
	for i, u := range users {
		recs := conn.Records(refs[i].ConversationID)
		if len(recs) != 1 || recs[0].Op != connector.OpSend || !strings.Contains(string(recs[0].Raw), burstFlowName(i)) {
			t.Errorf("%s's chat holds %d records, want their one alert card", u.Name, len(recs))
		}
	}
	for _, v := range conn.Violations() {
		t.Errorf("the connector saw a limit exceeded: %s in %q at +%v", v.Limit, v.ConversationID, v.At.Sub(start))
	}
	for _, c := range conn.Calls()[calls:] {
		if c.Status/100 != 2 {
			t.Errorf("connector call %s %s answered %d", c.Method, c.Path, c.Status)
		}
	}
	// 500 requests at 50 a second take at least 9 s of (virtual) time: the
	// client paced them rather than the connector being lenient.
	if took := clk.Now().Sub(start); took < 9*time.Second {
		t.Errorf("the burst took %v of connector time, want at least 9s at 50 requests a second", took)
	}
}

func burstFlowName(i int) string { return fmt.Sprintf("Burst flow %04d", i+1) }

// burstAlert is a failed run of user u's flow.
func burstAlert(u demo.User, i int) cards.Alert {
	now := time.Now().UTC()
	return cards.Alert{
		Flow: flowdeck.Flow{ID: fmt.Sprintf("burst-flow-%04d-%s", i+1, u.ID[len(u.ID)-4:]), EnvironmentID: faultEnv, DisplayName: burstFlowName(i)},
		Run: flowdeck.Run{EnvironmentID: faultEnv, ID: fmt.Sprintf("08584%015d", i+1), Status: "Failed",
			StartTime: now.Add(-time.Minute), EndTime: now},
		FailedAction: flowdeck.Action{Name: "Post_to_ledger", Status: "Failed", Code: "BadGateway", ErrorMessage: "The ledger did not answer."},
	}
}
