package monitor_test

import (
	"context"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
	"github.com/flowdeck/flowdeck/internal/fakecloud/powerplatform"
	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/monitor"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// ppRoutes are every Power Platform route of the fake, for the latency fault.
var ppRoutes = []string{
	powerplatform.RouteEnvironmentsList, powerplatform.RouteEnvironmentsGet, powerplatform.RouteFlowsList, powerplatform.RouteFlowsGet,
	powerplatform.RouteFlowsStart, powerplatform.RouteFlowsStop, powerplatform.RouteTriggersList, powerplatform.RouteRunsList,
	powerplatform.RouteRunsGet, powerplatform.RouteRunsCancel, powerplatform.RouteRunsResubmit, powerplatform.RouteActionsList,
	powerplatform.RouteActionsGet, powerplatform.RouteApprovalsList, powerplatform.RouteApprovalsGet, powerplatform.RouteApprovalsResponses,
	powerplatform.RouteApprovalsRespond, powerplatform.RouteAppsList, powerplatform.RouteAppsGet, powerplatform.RouteConnectionsList,
	powerplatform.RoutePAEnvironmentsList, powerplatform.RoutePAEnvironmentsGet, powerplatform.RouteBAPEnvironmentsList,
	powerplatform.RouteBAPEnvironmentsGet,
}

// BenchmarkCycle1000Users measures one monitor cycle over 1,000 users who
// each watch all of their 50 flows (in 2 environments), with 40 ms of latency
// on every Power Platform route, a 5-minute period and a 30-second tick, on
// one replica. Each op is one period: the clock moves on by the 30-second
// ticks of a period and the replica ticks each time; in the last tick every
// user is due. During the period one flow of each user fails (1,000 failures
// at seeded random moments), so the cycle also posts 1,000 alert cards.
//
// Setup, outside the timer: the tenant, 1,000 users signed in (one SSO token
// exchange each through the real broker, 8 at once), their personal chats
// and "watch all" subscriptions, and a first cycle, which also stores every
// flow's first record; its wall time is reported as first-cycle-s.
//
// Metrics: ns/op is the wall time of the period's ticks (the cycle);
// calls/flow is every upstream call of the cycle per watched flow,
// max-calls/flow the most any one flow got (runs and actions; the flow lists
// are per user); cpu-s is the process's user+system CPU time over the cycle
// (the fake cloud's share included: it runs in this process, on the same two
// cores); heap-MB is the live heap after the cycle (after a GC; fakes
// included) and alloc-MB what the cycle allocated; detect-max-s and
// detect-p50-s are fake-clock seconds from a failed run's start to the
// connector's acceptance of its card.
func BenchmarkCycle1000Users(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchCycle(b, "") })
	b.Run("postgres", func(b *testing.B) { benchCycle(b, storetest.PostgresSchema(b)) })
}

func benchCycle(b *testing.B, storeURL string) {
	const (
		nUsers       = 1000
		flowsPerUser = 50
		period       = 5 * time.Minute
		tick         = 30 * time.Second
		latency      = 40 * time.Millisecond
	)
	users := loadUsers(nUsers)
	tenant := loadTenant(users, flowsPerUser, 2, 11)
	f := newFixture(b, fixtureOptions{tenant: tenant, storeURL: storeURL,
		opts: monitor.Options{Interval: period, Tick: tick, Logger: slog.New(slog.NewTextHandler(testWriter{b}, &slog.HandlerOptions{Level: slog.LevelWarn}))}})
	f.addUsers(b, users)
	signInAll(b, f, users, 8)
	flowsOf := map[string][]flowdeck.Flow{}
	for _, u := range users {
		f.watch(b, u, flowdeck.Subscription{Target: flowdeck.WatchAll})
	}
	for _, fl := range tenant.Flows {
		flowsOf[fl.OwnerID] = append(flowsOf[fl.OwnerID], flowdeck.Flow{ID: fl.Name, EnvironmentID: fl.Environment})
	}
	for _, u := range users {
		if n := len(flowsOf[u.ID]); n != flowsPerUser {
			b.Fatalf("%s owns %d flows, want %d", u.Name, n, flowsPerUser)
		}
	}
	for _, r := range ppRoutes {
		f.cloud.PP.SetFault(r, powerplatform.Fault{Latency: latency})
	}
	mon := f.one().mon
	ctx := b.Context()
	start := f.clk.Now()

	// The first cycle: every user is due a period after they started watching.
	t0 := time.Now()
	for range period / tick {
		f.clk.Advance(tick)
		mon.Tick(ctx)
	}
	first := time.Since(t0)

	rng := mrand.New(mrand.NewPCG(11, 1111))
	var (
		cpu                       time.Duration
		calls, maxPerFlow, posted int
		allocBytes                uint64
		detect                    []time.Duration
	)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if f.clk.Now().Sub(start) > 45*time.Minute {
			b.Fatal("the fake clock would run past the bot's real-time app token; run with -benchtime 1x")
		}
		// One failure per user at a random moment of the coming period; each
		// run is added once its start has come, as the tick that follows it
		// would find it.
		from := f.clk.Now()
		type failure struct {
			at   time.Duration
			user demo.User
			flow flowdeck.Flow
			run  string
		}
		fails := make([]*failure, nUsers)
		for i, u := range users {
			fails[i] = &failure{at: time.Second + time.Duration(rng.Int64N(int64(period-2*time.Second))), user: u, flow: flowsOf[u.ID][rng.IntN(flowsPerUser)]}
		}
		slices.SortFunc(fails, func(a, b *failure) int { return int(a.at - b.at) })
		before := make(map[string]int, nUsers)
		for _, u := range users {
			before[u.ID] = len(f.sentTo(f.personal(u).ConversationID).posts)
		}
		f.cloud.PP.ResetRequests()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		alloc0 := ms.TotalAlloc
		cpu0 := cpuTime()
		next := 0
		var spent time.Duration
		for range period / tick {
			f.clk.Advance(tick)
			now := f.clk.Now()
			for ; next < len(fails) && !from.Add(fails[next].at).After(now); next++ {
				fails[next].run = f.fail(b, fails[next].flow, now.Sub(from.Add(fails[next].at)))
			}
			b.StartTimer()
			t := time.Now()
			mon.Tick(ctx)
			spent += time.Since(t)
			b.StopTimer()
		}
		cpu += cpuTime() - cpu0
		runtime.ReadMemStats(&ms)
		allocBytes += ms.TotalAlloc - alloc0
		if spent > period {
			b.Errorf("the cycle took %s, longer than its period %s", spent, period)
		}

		// Upstream calls: all of them, and per flow.
		perFlow := map[string]int{}
		for _, r := range f.cloud.PP.Requests() {
			calls++
			if _, rest, ok := strings.Cut(r.Path, "/flows/"); ok {
				id, _, _ := strings.Cut(rest, "/")
				perFlow[strings.ToLower(id)]++
			}
		}
		for _, n := range perFlow {
			maxPerFlow = max(maxPerFlow, n)
		}

		// Every failure gave one card, and when.
		for _, fl := range fails {
			posts := f.sentTo(f.personal(fl.user).ConversationID).posts[before[fl.user.ID]:]
			got := containing(posts, fl.run)
			if len(got) != 1 || len(posts) != 1 {
				b.Fatalf("%s: %d cards this period, %d for the failed run %s; want exactly one", fl.user.Name, len(posts), len(got), fl.run)
			}
			posted++
			detect = append(detect, got[0].At.Sub(from.Add(fl.at)))
		}
	}
	b.StopTimer()
	watched := float64(b.N * nUsers * flowsPerUser)
	slices.Sort(detect)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(first.Seconds(), "first-cycle-s")
	b.ReportMetric(float64(calls)/watched, "calls/flow")
	b.ReportMetric(float64(maxPerFlow), "max-calls/flow")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(allocBytes)/float64(b.N)/(1<<20), "alloc-MB")
	b.ReportMetric(detect[len(detect)-1].Seconds(), "detect-max-s")
	b.ReportMetric(detect[len(detect)/2].Seconds(), "detect-p50-s")
	b.ReportMetric(float64(posted)/float64(b.N), "cards")
	if maxPerFlow > 2 {
		b.Errorf("a flow got %d upstream calls in one cycle, want at most 2", maxPerFlow)
	}
	if limit := period + tick; detect[len(detect)-1] > limit {
		b.Errorf("a failure took %s to its card, want at most %s", detect[len(detect)-1], limit)
	}
}

// signInAll signs users in as f.signIn does — a Teams SSO token exchanged
// on behalf of the user through the real broker, and their personal chat
// stored — with n at once.
func signInAll(tb testing.TB, f *fixture, users []demo.User, n int) {
	tb.Helper()
	r := f.one()
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	work := make(chan demo.User)
	for range n {
		wg.Go(func() {
			for u := range work {
				err := func() error {
					tok, err := f.cloud.Entra.MintSSOToken(entra.SSORequest{TenantID: u.TenantID, UserID: u.ID, Version: 2})
					if err != nil {
						return err
					}
					res, err := r.broker.Exchange(context.Background(), principal(u), flowdeck.NewAssertion(tok))
					if err != nil {
						return err
					}
					for aud, err := range res {
						if err != nil {
							return fmt.Errorf("%s: %w", aud, err)
						}
					}
					return r.store.PutConversation(context.Background(), f.personal(u))
				}()
				if err != nil {
					mu.Lock()
					first = cmpErr(first, fmt.Errorf("sign in %s: %w", u.Name, err))
					mu.Unlock()
				}
			}
		})
	}
	for _, u := range users {
		work <- u
	}
	close(work)
	wg.Wait()
	check(tb, first)
}

func cmpErr(first, err error) error {
	if first == nil {
		return err
	}
	return first
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
