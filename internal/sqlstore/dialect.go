package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect holds what differs between SQLite and PostgreSQL. Everything else
// (queries, scanning) is shared.
type dialect struct {
	// name is what Store.Dialect returns, and the migrations directory.
	name string
	// encodeTime turns a UTC, microsecond-truncated time into a column value.
	encodeTime func(time.Time) any
	// lockMigrations takes the migration lock inside tx.
	lockMigrations func(ctx context.Context, tx *sql.Tx) error
	// migrationsTable creates schema_migrations if it is missing.
	migrationsTable string
	// subscriptionOrder breaks ties between subscriptions created in the same microsecond.
	subscriptionOrder string
	// isUnique reports a unique or primary key violation.
	isUnique func(error) bool
	// isUnavailable reports a failure to reach or use the database that may pass.
	isUnavailable func(error) bool
}

var sqliteDialect = dialect{
	name:       "sqlite",
	encodeTime: func(t time.Time) any { return t.UnixMicro() },
	// The migration transaction begins IMMEDIATE (_txlock=immediate), which
	// already holds the database's write lock.
	lockMigrations: func(context.Context, *sql.Tx) error { return nil },
	migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at INTEGER NOT NULL)`,
	subscriptionOrder: "created_at, rowid",
	isUnique: func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	},
	isUnavailable: func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		switch e.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL, sqlite3.SQLITE_READONLY:
			return true
		}
		return false
	},
}

var postgresDialect = dialect{
	name:       "postgres",
	encodeTime: func(t time.Time) any { return t },
	lockMigrations: func(ctx context.Context, tx *sql.Tx) error {
		// One lock per schema, so that replicas sharing a schema serialise and
		// tests using different schemas do not wait for one another.
		_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('flowdeck.migrate:' || current_schema()))`)
		return err
	},
	migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL)`,
	subscriptionOrder: "created_at, seq",
	isUnique: func(err error) bool {
		var e *pgconn.PgError
		return errors.As(err, &e) && e.Code == "23505"
	},
	isUnavailable: func(err error) bool {
		var e *pgconn.PgError
		if errors.As(err, &e) {
			switch {
			case len(e.Code) == 5 && e.Code[:2] == "08", // connection exception
				e.Code == "57P01", e.Code == "57P02", e.Code == "57P03", // shutdown, cannot connect now
				e.Code == "53300", e.Code == "53100", e.Code == "53200": // too many connections, disk full, out of memory
				return true
			}
			return false
		}
		var ce *pgconn.ConnectError
		return errors.As(err, &ce) || pgconn.Timeout(err) || pgconn.SafeToRetry(err)
	},
}

// timeValue scans a timestamp column of either dialect (INTEGER microseconds
// or timestamptz) into a UTC time.
type timeValue struct{ t *time.Time }

// Scan implements sql.Scanner.
func (v timeValue) Scan(src any) error {
	switch x := src.(type) {
	case int64:
		*v.t = time.UnixMicro(x).UTC()
	case time.Time:
		*v.t = x.UTC()
	default:
		return errors.New("unsupported timestamp column type")
	}
	return nil
}

// dbTime returns t as the store keeps it: UTC, truncated to the microsecond.
func dbTime(t time.Time) time.Time { return t.Truncate(time.Microsecond).UTC() }

// tv encodes t for a query argument of the store's dialect.
func (s *Store) tv(t time.Time) any { return s.d.encodeTime(dbTime(t)) }

// now returns the store's clock reading, as the store keeps times.
func (s *Store) now() time.Time { return dbTime(s.clock()) }
