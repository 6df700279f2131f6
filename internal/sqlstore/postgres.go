package sqlstore

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPostgres opens a database/sql pool over pgx for url. database/sql (and
// not pgxpool) keeps one query and scanning code path for both dialects; pgx
// still speaks the wire protocol, encodes timestamptz in binary and reports
// PostgreSQL error codes.
func openPostgres(url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// pgx redacts the password from its parse errors.
		return nil, flowdeck.Wrap(flowdeck.ErrMisconfigured, fmt.Errorf("parse postgres url: %w", err),
			"The PostgreSQL URL is not valid (FLOWDECK_DATABASE_URL).")
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	return db, nil
}
