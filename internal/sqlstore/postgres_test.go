package sqlstore

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// postgresEnv names the variable that points the tests at a PostgreSQL server.
const postgresEnv = "FLOWDECK_TEST_POSTGRES_URL"

// postgresSchema creates a uniquely named schema, drops it when the test ends,
// and returns a URL whose connections use it as their search_path.
func postgresSchema(t testing.TB) string {
	t.Helper()
	base := requirePostgres(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", postgresEnv, err)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	schema := "flowdeck_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base) // registered by github.com/jackc/pgx/v5/stdlib
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(t.Context(), `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// requirePostgres returns the server URL, or skips the test when it is not set.
func requirePostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(postgresEnv)
	if base == "" {
		t.Skipf("set %s (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests", postgresEnv)
	}
	return base
}

func TestPostgres(t *testing.T) {
	requirePostgres(t)
	open := func(t *testing.T, now func() time.Time) flowdeck.Store {
		s := mustOpen(t, postgresSchema(t), testKeyring(t), now)
		if s.Dialect() != "postgres" {
			t.Fatalf("Dialect = %q, want postgres", s.Dialect())
		}
		return s
	}
	storetest.Run(t, open, dumpPostgres)
}

// dumpPostgres returns every row of every table of the store's schema as
// text, with bytea columns escaped so that printable bytes appear as they are.
func dumpPostgres(t *testing.T, fs flowdeck.Store) []byte {
	s := fs.(*Store)
	ctx := t.Context()
	rows, err := s.r.QueryContext(ctx, `
		SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]string{}
	for rows.Next() {
		var table, col, typ string
		if err := rows.Scan(&table, &col, &typ); err != nil {
			t.Fatal(err)
		}
		expr := fmt.Sprintf("COALESCE(%q::text, '')", col)
		if typ == "bytea" {
			expr = fmt.Sprintf("encode(%q, 'escape')", col)
		}
		cols[table] = append(cols[table], expr)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if len(cols) == 0 {
		t.Fatal("no tables in the schema")
	}
	var out strings.Builder
	for table, exprs := range cols {
		rows, err := s.r.QueryContext(ctx, fmt.Sprintf(`SELECT concat_ws('|', %s) FROM %q`, strings.Join(exprs, ", "), table))
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			out.WriteString(table + ": " + line + "\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return []byte(out.String())
}

func TestPostgresOpenRace(t *testing.T) {
	openRace(t, postgresSchema(t))
}
