package botframework

import (
	"context"
	"fmt"
	"testing"
	"time"
)

type stillClock struct{ t time.Time }

func (c *stillClock) Now() time.Time                                  { return c.t }
func (c *stillClock) Wait(ctx context.Context, _ time.Duration) error { return ctx.Err() }

func TestLimiterSetBounded(t *testing.T) {
	clk := &stillClock{t: time.Now()}
	s := newLimiterSet(TeamsSendLimits, clk, 100)
	for i := range 1000 {
		if err := s.wait(t.Context(), fmt.Sprint("conv", i)); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.size(); n != 100 {
		t.Fatalf("limiters = %d, want 100", n)
	}
}

func TestLimiterReservations(t *testing.T) {
	clk := &stillClock{t: time.Now()}
	s := newLimiterSet(TeamsSendLimits, clk, 10)
	var waits []time.Duration
	for range 70 {
		_, d := s.reserve("c")
		waits = append(waits, d)
	}
	// 7 at once, 1 more after 1 s, then 7+1 every 2 s, until 60 in 30 s.
	want := map[int]time.Duration{0: 0, 6: 0, 7: time.Second, 8: 2 * time.Second, 14: 2 * time.Second, 15: 3 * time.Second, 16: 4 * time.Second, 60: 30 * time.Second}
	for i, d := range want {
		if waits[i] != d {
			t.Errorf("wait %d = %v, want %v", i, waits[i], d)
		}
	}
}

func TestConnectorURL(t *testing.T) {
	for _, tt := range []struct{ base, cid, want string }{
		{"https://smba.trafficmanager.net/amer/", "a:1Kx;b", "https://smba.trafficmanager.net/amer/v3/conversations/a%3A1Kx%3Bb/activities"},
		{"http://localhost:56150/_connector", "19:x@thread.tacv2;messageid=1", "http://localhost:56150/_connector/v3/conversations/19%3Ax%40thread.tacv2%3Bmessageid%3D1/activities"},
		{"https://h.example", "a/b", "https://h.example/v3/conversations/a%2Fb/activities"},
	} {
		got, err := connectorURL(tt.base, "conversations", tt.cid, "activities")
		if err != nil || got != tt.want {
			t.Errorf("connectorURL(%q, %q) = %q, %v; want %q", tt.base, tt.cid, got, err, tt.want)
		}
	}
	for _, bad := range []string{"ftp://x/", "http://10.0.0.1/", "https://x/?q=1", "not a url", ""} {
		if _, err := connectorURL(bad, "conversations"); err == nil {
			t.Errorf("connectorURL(%q) accepted", bad)
		}
	}
}
