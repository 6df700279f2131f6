package sqlstore

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// benchStores opens one store per dialect; PostgreSQL only when storetest.PostgresEnv is set.
func benchStores(b *testing.B, f func(b *testing.B, s *Store)) {
	b.Run("sqlite", func(b *testing.B) {
		f(b, benchOpen(b, filepath.Join(b.TempDir(), "bench.db")))
	})
	b.Run("postgres", func(b *testing.B) {
		f(b, benchOpen(b, storetest.PostgresSchema(b)))
	})
}

func benchOpen(b *testing.B, url string) *Store {
	b.Helper()
	s, err := Open(b.Context(), Options{URL: url, Keyring: testKeyring(b), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func benchToken(user string) flowdeck.DelegatedToken {
	return flowdeck.DelegatedToken{
		TenantID: "tenant-1", UserID: user, Audience: "flow",
		AccessToken: string(make([]byte, 1500)), RefreshToken: string(make([]byte, 900)),
		Scopes:    []string{"Flows.Read.All", "Flows.Manage.All", "offline_access"},
		ExpiresAt: time.Now().Add(time.Hour),
	}
}

// BenchmarkTokenPut measures PutToken (seal two tokens, upsert one row) over 1000 users.
func BenchmarkTokenPut(b *testing.B) {
	benchStores(b, func(b *testing.B, s *Store) {
		ctx := b.Context()
		i := 0
		for b.Loop() {
			if err := s.PutToken(ctx, benchToken(fmt.Sprint("user-", i%1000))); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkTokenGet measures GetToken (read one row, open two tokens) over 1000 users.
func BenchmarkTokenGet(b *testing.B) {
	benchStores(b, func(b *testing.B, s *Store) {
		ctx := b.Context()
		for i := range 1000 {
			if err := s.PutToken(ctx, benchToken(fmt.Sprint("user-", i))); err != nil {
				b.Fatal(err)
			}
		}
		i := 0
		for b.Loop() {
			if _, err := s.GetToken(ctx, "tenant-1", fmt.Sprint("user-", i%1000), "flow"); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkLeaseClaim measures a lease renewal by its holder, the monitor's
// steady state.
func BenchmarkLeaseClaim(b *testing.B) {
	benchStores(b, func(b *testing.B, s *Store) {
		ctx := b.Context()
		for b.Loop() {
			if _, err := s.ClaimLease(ctx, "shard-1", "replica-a", time.Minute); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLeaseClaimContended measures claims of a lease another replica holds
// (the conflicting path: failed upsert, then a read of the current lease).
func BenchmarkLeaseClaimContended(b *testing.B) {
	benchStores(b, func(b *testing.B, s *Store) {
		ctx := b.Context()
		if _, err := s.ClaimLease(ctx, "shard-1", "replica-a", time.Hour); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := s.ClaimLease(ctx, "shard-1", "replica-b", time.Hour); !flowdeckConflict(err) {
				b.Fatalf("got %v, want ErrConflict", err)
			}
		}
	})
}
