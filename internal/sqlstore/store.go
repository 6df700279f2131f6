package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
)

// Options configure Open.
type Options struct {
	// URL is a file path or file: DSN for SQLite, or a postgres:// or
	// postgresql:// URL for PostgreSQL.
	URL string
	// Keyring encrypts secrets at rest; required.
	Keyring *Keyring
	// Logger receives the store's logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock for UpdatedAt and lease expiry; nil means time.Now.
	Now func() time.Time
}

// Store implements flowdeck.Store on SQLite or PostgreSQL.
type Store struct {
	d     dialect
	w     *sql.DB // writes (SQLite: one connection)
	r     *sql.DB // reads (PostgreSQL: the same pool as w)
	keys  *Keyring
	log   *slog.Logger
	clock func() time.Time
}

var _ flowdeck.Store = (*Store)(nil)

// Open opens the database named by opts.URL, applies pending migrations under
// a lock, and returns a store ready to use. A bad URL or a missing keyring is
// ErrMisconfigured, a database that cannot be reached ErrUnavailable.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Keyring == nil {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "The store needs an encryption key (FLOWDECK_ENCRYPTION_KEY).")
	}
	if opts.URL == "" {
		return nil, flowdeck.Errorf(flowdeck.ErrMisconfigured, "The store needs a database URL (FLOWDECK_DATABASE_URL).")
	}
	s := &Store{keys: opts.Keyring, log: opts.Logger, clock: opts.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	var err error
	if isPostgresURL(opts.URL) {
		s.d = postgresDialect
		s.w, err = openPostgres(opts.URL)
		s.r = s.w
	} else {
		s.d = sqliteDialect
		s.w, s.r, err = openSQLite(opts.URL)
	}
	if err != nil {
		return nil, err
	}
	if err := s.connect(ctx); err != nil {
		s.Close()
		return nil, s.dbError("connect", err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.log.InfoContext(ctx, "store opened", "dialect", s.d.name)
	return s, nil
}

// connect makes the first connection. Switching a fresh SQLite file to WAL
// can fail with SQLITE_BUSY without waiting for the busy timeout while
// another process does the same; that first connection is retried for a
// bounded time. Other errors return at once.
func (s *Store) connect(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 200*time.Millisecond) {
		err := s.w.PingContext(ctx)
		if err == nil || s.d.name != "sqlite" || !s.d.isUnavailable(err) || time.Now().After(deadline) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

func isPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// Ping reports whether the database answers, as ErrUnavailable when it does not.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return s.dbError("ping", err)
	}
	if s.r != s.w {
		if err := s.r.PingContext(ctx); err != nil {
			return s.dbError("ping", err)
		}
	}
	return nil
}

// Close closes every connection of the store.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != nil && s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}
