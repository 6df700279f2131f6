package botframework

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"
)

func TestLimiterBounded(t *testing.T) {
	// In a bubble the clock stands still until the test waits.
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(TeamsSendLimits, TeamsTenantLimits, 0, realClock{}, 100)
		for i := range 1000 {
			l.reserve(fmt.Sprint("conv", i), fmt.Sprint("tenant", i))
		}
		if n, m := l.conv.size(), l.tenant.size(); n != 100 || m != 100 {
			t.Fatalf("limiters = %d conversations, %d tenants, want 100 each", n, m)
		}
	})
}

func TestLimiterReservations(t *testing.T) {
	// In a bubble the clock stands still until the test waits.
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(TeamsSendLimits, nil, 0, realClock{}, 10)
		var waits []time.Duration
		for range 1801 {
			_, d := l.reserve("c", "t")
			waits = append(waits, d)
		}
		// 7 at once, 1 more after 1 s, then 7+1 every 2 s, until 60 in 30 s;
		// then 60 every 30 s until 1800 in the hour.
		want := map[int]time.Duration{0: 0, 6: 0, 7: time.Second, 8: 2 * time.Second, 14: 2 * time.Second, 15: 3 * time.Second,
			16: 4 * time.Second, 60: 30 * time.Second, 1799: 29*30*time.Second + 14*time.Second, 1800: time.Hour}
		for i, d := range want {
			if waits[i] != d {
				t.Errorf("wait %d = %v, want %v", i, waits[i], d)
			}
		}
	})
}

func TestLimiterTenantAndMargin(t *testing.T) {
	// In a bubble the clock stands still until the test waits.
	synctest.Test(t, func(t *testing.T) {
		l := newLimiter(TeamsSendLimits, TeamsTenantLimits, 100*time.Millisecond, realClock{}, 1000)
		// 50 conversations of one tenant go at once; the 51st waits for the
		// tenant's second plus the margin, and so does the next call of a
		// conversation that has room of its own.
		for i := range 50 {
			if _, d := l.reserve(fmt.Sprint("c", i), "t1"); d != 0 {
				t.Fatalf("call %d waits %v", i, d)
			}
		}
		if _, d := l.reserve("c50", "t1"); d != 1100*time.Millisecond {
			t.Errorf("51st call of the tenant waits %v, want 1.1s", d)
		}
		if _, d := l.reserve("c0", "t1"); d != 1100*time.Millisecond {
			t.Errorf("a conversation with room waits %v behind its tenant, want 1.1s", d)
		}
		// Another tenant is not held up.
		if _, d := l.reserve("other", "t2"); d != 0 {
			t.Errorf("another tenant waits %v", d)
		}
		// A cancelled reservation gives its slot back in both.
		at, _ := l.reserve("c51", "t1")
		l.cancel("c51", "t1", at)
		if got := len(l.tenant.m["t1"].times); got != 52 {
			t.Errorf("tenant bookings after a cancel = %d, want 52", got)
		}
		// The slot given back is taken by the next call, which really waits for it.
		start := time.Now()
		if err := l.wait(t.Context(), "c51", "t1"); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(start); got != 1100*time.Millisecond {
			t.Errorf("the call after a cancel waited %v, want 1.1s", got)
		}
	})
}

func TestThreadOf(t *testing.T) {
	for in, want := range map[string]string{
		"19:abc@thread.tacv2;messageid=1732553375001": "19:abc@thread.tacv2",
		"a:1Kx": "a:1Kx",
	} {
		if got := threadOf(in); got != want {
			t.Errorf("threadOf(%q) = %q, want %q", in, got, want)
		}
	}
}
