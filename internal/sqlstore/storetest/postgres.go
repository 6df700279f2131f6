package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// PostgresEnv names the variable that points the tests at a PostgreSQL
// server. make test and CI set it (postgres://postgres@127.0.0.1:5432/test);
// set it empty to run without PostgreSQL.
const PostgresEnv = "FLOWDECK_TEST_POSTGRES_URL"

// PostgresURL returns the server of PostgresEnv, or skips tb when it is unset.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Skipf("set %s (for example postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests", PostgresEnv)
	}
	return base
}

// PostgresSchema creates a uniquely named schema on the server of
// PostgresEnv, drops it when tb ends, and returns a URL whose connections
// use it as their search_path, so that tests never see each other's rows.
func PostgresSchema(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL(tb)
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	schema := "flowdeck_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			tb.Errorf("drop schema: %v", err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
