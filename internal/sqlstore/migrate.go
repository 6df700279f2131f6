package sqlstore

import (
	"cmp"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

// migration is one numbered SQL file.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the dialect's migrations in version order.
func migrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number and _", e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	slices.SortFunc(out, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share a version", out[i-1].name, out[i].name)
		}
	}
	return out, nil
}

// migrate applies the pending migrations in one transaction that holds the
// migration lock, so that concurrent Opens apply each migration exactly once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations(s.d.name)
	if err != nil {
		return s.dbError("migrate", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return s.dbError("migrate: begin", err)
	}
	defer tx.Rollback()
	if err := s.d.lockMigrations(ctx, tx); err != nil {
		return s.dbError("migrate: lock", err)
	}
	if _, err := tx.ExecContext(ctx, s.d.migrationsTable); err != nil {
		return s.dbError("migrate: create schema_migrations", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return s.dbError("migrate: list applied", err)
	}
	applied := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return s.dbError("migrate: list applied", err)
		}
		applied[v] = true
	}
	if err := rows.Close(); err != nil {
		return s.dbError("migrate: list applied", err)
	}
	if err := rows.Err(); err != nil {
		return s.dbError("migrate: list applied", err)
	}
	var done []string
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return s.dbError("migrate: apply "+m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
			m.version, m.name, s.tv(s.now())); err != nil {
			return s.dbError("migrate: record "+m.name, err)
		}
		done = append(done, m.name)
	}
	if err := tx.Commit(); err != nil {
		return s.dbError("migrate: commit", err)
	}
	if len(done) > 0 {
		s.log.InfoContext(ctx, "store migrated", "dialect", s.d.name, "applied", done)
	}
	return nil
}
