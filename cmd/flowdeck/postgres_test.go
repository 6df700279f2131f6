package main

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// TestMainOnPostgres boots FlowDeck on the real PostgreSQL server, as
// FLOWDECK_DATABASE_URL=postgres://… flowdeck serve does, in a schema of its own.
func TestMainOnPostgres(t *testing.T) {
	base := os.Getenv("FLOWDECK_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("FLOWDECK_TEST_POSTGRES_URL is not set (make test and CI set it)")
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := fmt.Sprintf("cmdtest_%d", time.Now().UnixNano())
	if _, err := db.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE") })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()

	c := testConfig(t)
	c.DatabaseURL = u.String()
	m := MustRunMain(t, c)
	if code, _ := get(t, m.URL()+"/readyz"); code != 200 {
		t.Fatalf("/readyz on PostgreSQL = %d", code)
	}
	var tables int
	if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1", schema).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables < 6 {
		t.Errorf("migrations created %d tables in %s, want the store's tables", tables, schema)
	}
}
