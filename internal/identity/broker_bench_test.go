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
	m := measureCacheMemory(t)
	t.Logf("10,000 users × 3 audiences: cache bookkeeping %.0f B/user; token bytes %.0f B/token; total with tokens %.0f B/user (%.0f B/user for one audience)",
		m.overhead, m.perToken, m.overhead+3*m.perToken, m.overhead+m.perToken)
	if m.overhead > 512 {
		t.Errorf("cache bookkeeping %.0f B/user, want ≤ 512", m.overhead)
	}
}

// BenchmarkCacheMemoryPerUser reports what TestCacheMemory10k measures, for
// make bench: cache-B/user is the cache's bookkeeping per user, token-B/user
// the text of a user's three tokens, total-B/user both (10,000 users × 3
// audiences). Each op measures a fresh cache; run it with -benchtime 1x.
func BenchmarkCacheMemoryPerUser(b *testing.B) {
	var overhead, tokens float64
	for b.Loop() {
		m := measureCacheMemory(b)
		overhead += m.overhead
		tokens += 3 * m.perToken
	}
	n := float64(b.N)
	b.ReportMetric(overhead/n, "cache-B/user")
	b.ReportMetric(tokens/n, "token-B/user")
	b.ReportMetric((overhead+tokens)/n, "total-B/user")
}

// cacheMemory is the heap of a token cache per user: overhead is what the
// cache adds besides the token bytes, perToken the bytes of one token.
type cacheMemory struct{ overhead, perToken float64 }

// measureCacheMemory fills a cache with 10,000 users' tokens (one per
// audience, each a real token of the fake's size) and measures the heap it
// adds.
func measureCacheMemory(tb testing.TB) cacheMemory {
	tb.Helper()
	f := newFixture(tb)
	f.consentAll(adele)
	ctx := f.sso(tb, adele, false)
	var sample [3]string
	for i, aud := range []string{Flow, PowerApps, Graph} {
		sample[i] = f.token(tb, ctx, f.broker, adele, aud)
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
	if c.len() != users {
		tb.Errorf("%d users cached", c.len())
	}
	runtime.KeepAlive(toks)
	return cacheMemory{
		overhead: float64(int64(m1.HeapAlloc)-int64(m0.HeapAlloc)) / users,
		perToken: float64(tokenBytes) / users / 3,
	}
}
