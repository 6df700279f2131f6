package sqlstore

import (
	"bytes"
	"crypto/rand"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// testKey returns a random 32-byte key.
func testKey(t testing.TB) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

// testKeyring returns a keyring with a random primary key.
func testKeyring(t testing.TB) *Keyring {
	t.Helper()
	k, err := NewKeyring(testKey(t))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testLogger sends the store's logs to the test output.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// mustOpen opens a store and closes it when the test ends.
func mustOpen(t testing.TB, url string, keys *Keyring, now func() time.Time) *Store {
	t.Helper()
	s, err := Open(t.Context(), Options{URL: url, Keyring: keys, Logger: testLogger(t), Now: now})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// containsAny reports whether b contains any of the needles.
func containsAny(b []byte, needles ...string) bool {
	for _, n := range needles {
		if bytes.Contains(b, []byte(n)) {
			return true
		}
	}
	return false
}

// flowdeckConflict reports whether err is ErrConflict.
func flowdeckConflict(err error) bool { return errors.Is(err, flowdeck.ErrConflict) }

// openRace opens the store at url from four goroutines at once: every Open
// succeeds and the migrations are applied once (the migration lock).
func openRace(t *testing.T, url string) {
	t.Helper()
	keys := testKeyring(t)
	const n = 4
	stores := make([]*Store, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = Open(t.Context(), Options{URL: url, Keyring: keys, Logger: testLogger(t)})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	checkMigratedOnce(t, stores[0])
}
