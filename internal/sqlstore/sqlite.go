package sqlstore

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Connection parameters of modernc.org/sqlite. The busy timeout comes first
// so that switching to WAL waits for other connections instead of failing.
const (
	sqliteCommon = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	sqliteWriter = sqliteCommon + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	sqliteReader = sqliteCommon + "&_pragma=query_only(1)"
)

// openSQLite opens the writer (one connection, IMMEDIATE transactions) and the
// reader pool of the SQLite database at url, creating its directory if needed.
func openSQLite(url string) (w, r *sql.DB, err error) {
	path, query, _ := strings.Cut(url, "?")
	file := strings.TrimPrefix(path, "file:")
	if strings.HasPrefix(path, "file://") {
		file = strings.TrimPrefix(path, "file://")
	}
	if file == "" || file == ":memory:" || strings.Contains(query, "mode=memory") {
		return nil, nil, flowdeck.Errorf(flowdeck.ErrMisconfigured,
			"The SQLite database must be a file (FLOWDECK_DATABASE_URL), not in memory.")
	}
	if dir := filepath.Dir(file); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, err,
				"The directory of the SQLite database cannot be created (FLOWDECK_DATABASE_URL).")
		}
	}
	dsn := func(params string) string {
		if query != "" {
			return path + "?" + query + "&" + params
		}
		return path + "?" + params
	}
	w, err = sql.Open("sqlite", dsn(sqliteWriter))
	if err != nil {
		return nil, nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, fmt.Errorf("open sqlite: %w", err), "The SQLite database cannot be opened.")
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	r, err = sql.Open("sqlite", dsn(sqliteReader))
	if err != nil {
		w.Close()
		return nil, nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, fmt.Errorf("open sqlite: %w", err), "The SQLite database cannot be opened.")
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return w, r, nil
}
