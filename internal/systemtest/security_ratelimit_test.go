package systemtest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/config"
	"github.com/flowdeck/flowdeck/internal/fakecloud/demo"
	"github.com/flowdeck/flowdeck/internal/localcloud"
	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
	"github.com/flowdeck/flowdeck/internal/logtest"
)

// TestSecurityRateLimits floods the tab API through a trusted proxy (so each
// request names its client address): a flood of forged tokens from one
// address is turned away with 429 before any token is verified, while
// another address is served; and one user's flood, spread over many
// addresses, is limited to that user while another user is served.
func TestSecurityRateLimits(t *testing.T) {
	c := localtest.Config(t)
	c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	c.RateLimitIP = config.RateLimit{Rate: 0.5, Burst: 5}
	c.RateLimitUser = config.RateLimit{Rate: 0.5, Burst: 5}
	logs := &logtest.Buffer{}
	s := newSecurityStack(t, localcloud.StackOptions{Config: c,
		Logger: slog.New(slog.NewTextHandler(io.MultiWriter(t.Output(), logs), &slog.HandlerOptions{Level: slog.LevelDebug}))})
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	adele, megan := demo.Users()[0], demo.Users()[1]
	from := func(addr, auth string) answer {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/api/flows", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Forwarded-For", addr)
		req.Header.Set("Authorization", auth)
		resp, err := s.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
	}

	// One address, forged tokens (a real token cut short).
	valid := s.secSSO(t, adele)
	forged := "Bearer " + valid[:len(valid)-10]
	const flood = 40
	counts := map[int]int{}
	for range flood {
		a := from("203.0.113.7", forged)
		counts[a.status]++
		if a.status == http.StatusTooManyRequests && a.header.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
	}
	if counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != flood || counts[http.StatusUnauthorized] > 7 {
		t.Errorf("flood of forged tokens from one address: %v, want at most the burst (5, and a refill or two) 401 and the rest 429", counts)
	}
	if n := strings.Count(logs.String(), `msg="identity: token rejected"`); n != counts[http.StatusUnauthorized] {
		t.Errorf("%d tokens verified for %d 401s: the 429s must not reach verification", n, counts[http.StatusUnauthorized])
	}
	if a := from("198.51.100.9", "Bearer "+s.secSSO(t, adele)); a.status != http.StatusOK {
		t.Errorf("another address during the flood: %d %.200s, want 200", a.status, a.body)
	}
	if res, err := s.Driver.Say(ctx, adele, "help"); err != nil || res.Status != http.StatusOK {
		t.Errorf("the bot during the flood (the connector's addresses are not limited): %v, %d", err, res.Status)
	}

	// One user, many addresses: that user is limited, not the next one.
	megansTok := "Bearer " + s.secSSO(t, megan)
	counts = map[int]int{}
	for i := range 20 {
		counts[from(fmt.Sprintf("192.0.2.%d", 10+i), megansTok).status]++
	}
	if counts[http.StatusTooManyRequests] == 0 || counts[http.StatusOK] == 0 || counts[http.StatusOK] > 7 {
		t.Errorf("Megan's flood: %v, want her burst served and the rest 429", counts)
	}
	for i := range 3 {
		if a := from(fmt.Sprintf("192.0.2.%d", 100+i), "Bearer "+s.secSSO(t, adele)); a.status != http.StatusOK {
			t.Errorf("Adele while Megan is limited: %d %.200s, want 200", a.status, a.body)
		}
	}
}
