package identity

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/fakecloud/entra"
)

// BenchmarkTokenWarm is a warm in-memory lookup (target ≤ 5 µs).
func BenchmarkTokenWarm(b *testing.B) {
	f := newFixture(b)
	f.consentAll(adele)
	f.token(b, f.sso(b, adele, false), f.broker, adele, Flow)
	p, ctx := principal(adele), context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.broker.Token(ctx, p, Flow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOBOConcurrent: 200 goroutines ask one user's Flow token with a
// cold cache and store; obo/op is the exchanges the fake saw per round (want 1).
func BenchmarkOBOConcurrent(b *testing.B) {
	f := newFixture(b)
	f.consentAll(adele)
	ctx, p := f.sso(b, adele, false), principal(adele)
	calls := 0
	for b.Loop() {
		b.StopTimer()
		if err := f.broker.SignOut(context.Background(), p); err != nil {
			b.Fatal(err)
		}
		before := f.idp.OBOCount(adele.TenantID, adele.ID, entra.FlowResource)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for range 200 {
			wg.Go(func() {
				<-start
				if _, err := f.broker.Token(ctx, p, Flow); err != nil {
					b.Error(err)
				}
			})
		}
		b.StartTimer()
		close(start)
		wg.Wait()
		calls += f.idp.OBOCount(adele.TenantID, adele.ID, entra.FlowResource) - before
	}
	b.ReportMetric(float64(calls)/float64(b.N), "obo/op")
}

// TestCacheMemory10k measures the heap of 10,000 users' cached tokens (one
// per audience, each a real token of the fake's size). The target is ≤ 2 KB
// per user; what the cache adds besides the token bytes must stay small.
func TestCacheMemory10k(t *testing.T) {
	f := newFixture(t)
	f.consentAll(adele)
	ctx := f.sso(t, adele, false)
	var sample [3]string
	for i, aud := range []string{Flow, PowerApps, Graph} {
		sample[i] = f.token(t, ctx, f.broker, adele, aud)
	}
	const users = 10_000
	// The tokens exist before the measurement, as they would (decoded from
	// Entra's answers); the cache must add only its bookkeeping to them.
	toks := make([][3]string, users)
	ids := make([]string, users)
	tokenBytes := 0
	for u := range users {
		ids[u] = fmt.Sprintf("a1b2c3d4-%04x-4a5b-8c9d-%012x", u%65536, u)
		for i := range 3 {
			toks[u][i] = fmt.Sprintf("%s%08d", sample[i][:len(sample[i])-8], u)
			tokenBytes += len(toks[u][i])
		}
	}
	c := newTokenCache(3)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	exp := time.Now().Add(time.Hour).UnixNano()
	for u := range users {
		for i := range 3 {
			c.put(adele.TenantID, ids[u], i, toks[u][i], exp)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&m1)
	overhead := float64(m1.HeapAlloc-m0.HeapAlloc) / users
	perToken := float64(tokenBytes) / users / 3
	t.Logf("10,000 users × 3 audiences: cache bookkeeping %.0f B/user; token bytes %.0f B/token; total with tokens %.0f B/user (%.0f B/user for one audience)",
		overhead, perToken, overhead+3*perToken, overhead+perToken)
	if overhead > 512 {
		t.Errorf("cache bookkeeping %.0f B/user, want ≤ 512", overhead)
	}
	if c.len() != users {
		t.Errorf("%d users cached", c.len())
	}
	runtime.KeepAlive(toks)
}
