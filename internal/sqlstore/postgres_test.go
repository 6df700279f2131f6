package sqlstore

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

func TestPostgres(t *testing.T) {
	storetest.PostgresURL(t)
	open := func(t *testing.T, now func() time.Time) flowdeck.Store {
		s := mustOpen(t, storetest.PostgresSchema(t), testKeyring(t), now)
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
	openRace(t, storetest.PostgresSchema(t))
}
