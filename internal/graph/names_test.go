package graph_test

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/graph"
	"github.com/flowdeck/flowdeck/internal/logtest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newNames(t *testing.T, o graph.NamesOptions, scopes ...string) (*graph.Names, *clock, *logtest.Buffer, func() int) {
	t.Helper()
	c, g := setup(t, scopes...)
	clk := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	logs := &logtest.Buffer{}
	o.Client, o.Now, o.Logger = c, clk.Now, slog.New(slog.NewTextHandler(logs, nil))
	return graph.NewNames(o), clk, logs, g.UserLookups
}

func TestNamesCache(t *testing.T) {
	users := demo.UsersOf(demo.TenantID)
	n, clk, _, lookups := newNames(t, graph.NamesOptions{TTL: time.Hour, MissingTTL: 5 * time.Minute}, "User.Read", "User.ReadBasic.All")
	gone := "00000000-0000-0000-0000-00000000abcd"
	ids := []string{users[1].ID, users[2].ID, gone}
	got := n.DisplayNames(as(users[0]), ids)
	if len(got) != 2 || got[users[1].ID] != users[1].Name || got[users[2].ID] != users[2].Name {
		t.Fatalf("names = %v", got)
	}
	if l := lookups(); l != 3 {
		t.Fatalf("%d look-ups, want 3", l)
	}
	// Asked again (by another user of the tenant): all from the cache, the unknown id too.
	if again := n.DisplayNames(as(users[3]), ids); len(again) != 2 || lookups() != 3 {
		t.Errorf("second ask: %v after %d look-ups; want the same names and no new look-up", again, lookups())
	}
	// An unknown id is asked again after MissingTTL, names after TTL.
	clk.Add(6 * time.Minute)
	n.DisplayNames(as(users[0]), ids)
	if l := lookups(); l != 4 {
		t.Errorf("%d look-ups after MissingTTL, want 4 (only the unknown id again)", l)
	}
	clk.Add(time.Hour)
	n.DisplayNames(as(users[0]), ids)
	if l := lookups(); l != 7 {
		t.Errorf("%d look-ups after TTL, want 7", l)
	}
}

func TestNamesArePerTenant(t *testing.T) {
	contoso := demo.UsersOf(demo.TenantID)
	fabrikam := demo.UsersOf(demo.OtherTenantID)[0]
	n, _, _, lookups := newNames(t, graph.NamesOptions{}, "User.Read", "User.ReadBasic.All")
	megan := contoso[1]
	if got := n.DisplayNames(as(contoso[0]), []string{megan.ID}); got[megan.ID] != megan.Name {
		t.Fatalf("Contoso sees %v", got)
	}
	// Fabrikam's user asks for the same id: not answered from Contoso's cache,
	// and Graph (in Fabrikam's directory) does not know her.
	if got := n.DisplayNames(as(fabrikam), []string{megan.ID}); len(got) != 0 {
		t.Errorf("Fabrikam sees %v; a name must never cross tenants", got)
	}
	if l := lookups(); l != 2 {
		t.Errorf("%d look-ups, want 2 (one per tenant)", l)
	}
	// And Fabrikam's own user, asked in Contoso, is unknown there.
	if got := n.DisplayNames(as(contoso[0]), []string{fabrikam.ID}); len(got) != 0 {
		t.Errorf("Contoso sees Fabrikam's user: %v", got)
	}
}

func TestNamesAreBounded(t *testing.T) {
	users := demo.UsersOf(demo.TenantID)
	n, _, _, lookups := newNames(t, graph.NamesOptions{MaxEntries: 2}, "User.ReadBasic.All")
	n.DisplayNames(as(users[0]), []string{users[1].ID, users[2].ID, users[3].ID})
	if l := n.Len(); l != 2 {
		t.Errorf("cache holds %d, want at most 2", l)
	}
	// The least recently used (the first) went; asking for it asks Graph again.
	n.DisplayNames(as(users[0]), []string{users[1].ID})
	if l := lookups(); l != 4 {
		t.Errorf("%d look-ups, want 4", l)
	}
}

func TestConcurrentLookupsOfAnIDAreShared(t *testing.T) {
	users := demo.UsersOf(demo.TenantID)
	c, g := setup(t, "User.ReadBasic.All")
	n := graph.NewNames(graph.NamesOptions{Client: c})
	waiting := make(chan struct{}, 8)
	graph.SetOnWait(n, func() { waiting <- struct{}{} })
	arrived, release := g.HoldLookups()
	defer release()

	megan := users[1]
	results := make(chan map[string]string, 3)
	go func() { results <- n.DisplayNames(as(users[0]), []string{megan.ID}) }()
	<-arrived // the first look-up is at Graph, held there
	for _, u := range users[2:4] {
		go func() { results <- n.DisplayNames(as(u), []string{megan.ID}) }()
	}
	<-waiting
	<-waiting // both later callers wait for the first one's look-up
	release()
	for range 3 {
		if got := <-results; got[megan.ID] != megan.Name {
			t.Errorf("a caller got %v", got)
		}
	}
	if l := g.UserLookups(); l != 1 {
		t.Errorf("%d look-ups for three concurrent asks, want 1", l)
	}
}

func TestNamesDegradeWithoutPermission(t *testing.T) {
	users := demo.UsersOf(demo.TenantID)
	n, clk, logs, lookups := newNames(t, graph.NamesOptions{DeniedTTL: 10 * time.Minute}, "User.Read")
	for range 3 {
		if got := n.DisplayNames(as(users[0]), []string{users[1].ID, users[2].ID}); len(got) != 0 {
			t.Fatalf("names without the permission: %v", got)
		}
	}
	if l := lookups(); l != 2 {
		t.Errorf("%d look-ups; after a refusal the user is not asked for again (want the first batch's 2)", l)
	}
	if c := strings.Count(logs.String(), "without their names"); c != 1 {
		t.Errorf("logged %d times, want once:\n%s", c, logs)
	}
	if !strings.Contains(logs.String(), "User.ReadBasic.All") || !strings.Contains(logs.String(), "reason=forbidden") {
		t.Errorf("the log line does not say why:\n%s", logs)
	}
	clk.Add(11 * time.Minute)
	n.DisplayNames(as(users[0]), []string{users[1].ID, users[2].ID})
	if l := lookups(); l != 4 {
		t.Errorf("%d look-ups after DeniedTTL, want 4 (asked again)", l)
	}
}

func TestNamesDegradeWhenGraphFails(t *testing.T) {
	users := demo.UsersOf(demo.TenantID)
	c, g := setup(t, "User.ReadBasic.All")
	logs := &logtest.Buffer{}
	n := graph.NewNames(graph.NamesOptions{Client: c, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	ids := []string{users[1].ID, users[2].ID}
	g.SetUnavailable(true)
	for range 2 {
		if got := n.DisplayNames(as(users[0]), ids); len(got) != 0 {
			t.Fatalf("names during an outage: %v", got)
		}
	}
	if c := strings.Count(logs.String(), "without their names"); c != 1 || !strings.Contains(logs.String(), "reason=unavailable") {
		t.Errorf("want one log line for the outage:\n%s", logs)
	}
	// A failure is not cached: once Graph is back, the names come.
	g.SetUnavailable(false)
	if got := n.DisplayNames(as(users[0]), ids); len(got) != 2 {
		t.Errorf("after the outage: %v", got)
	}
	if got := n.DisplayNames(t.Context(), ids); len(got) != 0 {
		t.Error("names without a signed-in user")
	}
}
