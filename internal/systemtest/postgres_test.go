package systemtest

import (
	"database/sql"
	"net/url"
	"testing"

	"github.com/flowdeck/flowdeck/internal/localcloud/localtest"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// TestMainOnPostgres boots FlowDeck on the real PostgreSQL server, as
// FLOWDECK_DATABASE_URL=postgres://… flowdeck serve does, in a schema of its own.
func TestMainOnPostgres(t *testing.T) {
	dsn := storetest.PostgresSchema(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	c := localtest.Config(t)
	c.DatabaseURL = dsn
	m := localtest.MustRunMain(t, c)
	if code, _ := localtest.GetJSON(t, m.URL()+"/readyz"); code != 200 {
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
