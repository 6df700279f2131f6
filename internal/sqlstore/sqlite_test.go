package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// sqlitePaths remembers the file of each store opened by TestSQLite, for the dump.
var sqlitePaths sync.Map // *Store → string

func TestSQLite(t *testing.T) {
	open := func(t *testing.T, now func() time.Time) flowdeck.Store {
		path := filepath.Join(t.TempDir(), "flowdeck.db")
		s := mustOpen(t, path, testKeyring(t), now)
		if s.Dialect() != "sqlite" {
			t.Fatalf("Dialect = %q, want sqlite", s.Dialect())
		}
		sqlitePaths.Store(s, path)
		return s
	}
	dump := func(t *testing.T, s flowdeck.Store) []byte {
		path, ok := sqlitePaths.Load(s)
		if !ok {
			t.Fatal("unknown store")
		}
		var all []byte
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			b, err := os.ReadFile(path.(string) + suffix)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	}
	storetest.Run(t, open, dump)
}

func TestSQLiteCreatesDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	s := mustOpen(t, filepath.Join(dir, "flowdeck.db"), testKeyring(t), nil)
	if err := s.Ping(t.Context()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Errorf("directory mode = %o, want 700", perm)
	}
	var mode string
	if err := s.w.QueryRowContext(t.Context(), `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	var fk int
	if err := s.w.QueryRowContext(t.Context(), `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
	}
}

func TestSQLiteFileDSN(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dsn.db")
	s := mustOpen(t, "file:"+path+"?cache=private", testKeyring(t), nil)
	if err := s.PutSettings(t.Context(), flowdeck.UserSettings{TenantID: "t", UserID: "u"}); err != nil {
		t.Fatalf("PutSettings: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the file: DSN did not create %s: %v", path, err)
	}
}

func TestSQLiteOpenRace(t *testing.T) {
	openRace(t, filepath.Join(t.TempDir(), "race.db"))
}

// checkMigratedOnce fails unless every migration is recorded exactly once.
func checkMigratedOnce(t *testing.T, s *Store) {
	t.Helper()
	ms, err := migrations(s.d.name)
	if err != nil {
		t.Fatal(err)
	}
	var rows, distinct int
	if err := s.r.QueryRowContext(t.Context(), `SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_migrations`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != len(ms) || distinct != len(ms) {
		t.Fatalf("schema_migrations has %d rows (%d versions), want %d", rows, distinct, len(ms))
	}
}

func TestOpenErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	keys := testKeyring(t)
	for _, tc := range []struct {
		name string
		opts Options
		kind error
	}{
		{"no keyring", Options{URL: filepath.Join(t.TempDir(), "x.db")}, flowdeck.ErrMisconfigured},
		{"no url", Options{Keyring: keys}, flowdeck.ErrMisconfigured},
		{"in memory", Options{URL: ":memory:", Keyring: keys}, flowdeck.ErrMisconfigured},
		{"directory is a file", Options{URL: filepath.Join(file, "sub", "x.db"), Keyring: keys}, flowdeck.ErrMisconfigured},
		{"bad postgres url", Options{URL: "postgres://u:secret-pw@127.0.0.1:notaport/db", Keyring: keys}, flowdeck.ErrMisconfigured},
		{"postgres unreachable", Options{URL: "postgres://u:secret-pw@127.0.0.1:1/db?sslmode=disable&connect_timeout=5", Keyring: keys}, flowdeck.ErrUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Logger = testLogger(t)
			s, err := Open(t.Context(), tc.opts)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tc.kind) {
				t.Fatalf("Open: got %v, want kind %v", err, tc.kind)
			}
			if containsAny([]byte(err.Error()), "secret-pw") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// TestSQLiteLockedIsUnavailable holds the database's write lock from another
// connection: a write that cannot get it before its deadline is ErrUnavailable.
func TestSQLiteLockedIsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	s := mustOpen(t, path, testKeyring(t), nil)
	other, err := sql.Open("sqlite", path+"?_txlock=immediate&_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	err = s.PutSettings(ctx, flowdeck.UserSettings{TenantID: "t", UserID: "u"})
	if !errors.Is(err, flowdeck.ErrUnavailable) {
		t.Fatalf("PutSettings while another connection holds the write lock: got %v, want ErrUnavailable", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSettings(t.Context(), flowdeck.UserSettings{TenantID: "t", UserID: "u"}); err != nil {
		t.Fatalf("PutSettings after the lock was released: %v", err)
	}
}
