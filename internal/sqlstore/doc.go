// Package sqlstore implements flowdeck.Store on SQL databases: SQLite for a
// single replica (the embedded default, no server needed) and PostgreSQL when
// FlowDeck runs on more than one replica. Both dialects pass the conformance
// suite in package storetest.
//
// # Dialects
//
// Open picks the dialect from the URL. A URL that starts with postgres:// or
// postgresql:// opens PostgreSQL through pgx (database/sql via
// github.com/jackc/pgx/v5/stdlib, so that both dialects share one query and
// scanning code path). Anything else is a SQLite file path or file: DSN, opened
// with the pure-Go driver modernc.org/sqlite in WAL mode with foreign keys on,
// a busy timeout and synchronous=NORMAL. SQLite writes go through a single
// writer connection whose transactions begin IMMEDIATE, and reads through a
// separate read-only pool, so concurrent writers queue instead of failing with
// SQLITE_BUSY. The missing parent directory of a SQLite file is created 0700.
//
// Queries use $1-style placeholders, which both drivers accept, and
// INSERT … ON CONFLICT … RETURNING, which both databases support. The few real
// differences (time encoding, migration locking, error classification, row
// order tie-breakers) live in the dialect struct; the schema is written by hand
// per dialect under migrations/.
//
// # Encryption
//
// The access token and the refresh token of a flowdeck.DelegatedToken are the
// only secrets the store keeps. They are sealed with AES-256-GCM by a Keyring
// before they reach the database and no plaintext column exists. Each
// ciphertext carries a random 96-bit nonce and a 4-byte key id (a hash of the
// key), and is bound to its row with additional data made of tenant, user,
// audience and field name, so a ciphertext copied to another row or field no
// longer opens. Keys rotate by making the new key primary and passing the old
// ones as old keys: new writes use the primary key, rows sealed with an old key
// stay readable, and each PutToken re-seals with the primary key. A ciphertext
// whose key is unknown or that fails authentication is an error of kind
// flowdeck.ErrMisconfigured.
//
// # Timestamps
//
// Every timestamp is stored in UTC with microsecond precision: SQLite keeps
// microseconds since the Unix epoch in an INTEGER column, PostgreSQL a
// timestamptz. The store truncates every time it writes to the microsecond, so
// a time read back is equal (time.Equal) to the time written after
// t.Truncate(time.Microsecond), and it is always in time.UTC. The zero time is
// stored as is and reads back as the zero time. Lease expiry and UpdatedAt
// come from Options.Now, never from the database clock.
//
// # Migrations
//
// Numbered SQL files per dialect are embedded in the binary and applied at
// Open, in order, inside one transaction that first takes a lock, so that
// replicas starting at once never race: PostgreSQL takes a transaction-scoped
// advisory lock derived from the current schema (pg_advisory_xact_lock), SQLite
// begins the transaction IMMEDIATE, which takes the database's write lock. The
// table schema_migrations records what was applied.
package sqlstore
