package sqlstore

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/flowdeck/flowdeck/internal/flowdeck"
	"github.com/flowdeck/flowdeck/internal/sqlstore/storetest"
)

// TestMigrationAutoWatchSQLite and TestMigrationAutoWatchPostgres take a
// store back to before migration 0003 (no auto column), store a user's
// explicit subscription the way the old schema did, and open it again: the
// migration adds the column and the subscription is the user's choice as
// before (Auto unset, target, flow and watermark unchanged).
func TestMigrationAutoWatchSQLite(t *testing.T) {
	checkAutoWatchMigration(t, "sqlite://"+filepath.Join(t.TempDir(), "fd.db"))
}

func TestMigrationAutoWatchPostgres(t *testing.T) {
	storetest.PostgresURL(t)
	checkAutoWatchMigration(t, storetest.PostgresSchema(t))
}

func checkAutoWatchMigration(t *testing.T, url string) {
	ctx := t.Context()
	keys := testKeyring(t)
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	clock := func() time.Time { return now }
	s, err := Open(ctx, Options{URL: url, Keyring: keys, Logger: testLogger(t), Now: clock})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	for _, q := range []string{
		`ALTER TABLE subscriptions DROP COLUMN auto`,
		`DELETE FROM schema_migrations WHERE version = 3`,
	} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := s.w.ExecContext(ctx, `
		INSERT INTO subscriptions (id, tenant_id, user_id, conversation_id, target, environment_id, flow_id, flow_name,
			watermark, paused, muted_until, created_at, updated_at)
		VALUES ('sub-old', 'tenant-1', 'user-1', '', 'environment', 'env-1', '', '', $1, $2, $3, $4, $5)`,
		s.tv(now.Add(-time.Hour)), false, s.tv(time.Time{}), s.tv(now.Add(-48*time.Hour)), s.tv(now.Add(-48*time.Hour))); err != nil {
		t.Fatalf("insert with the old schema: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, url, keys, clock)
	got, err := s.GetSubscription(ctx, "sub-old")
	if err != nil {
		t.Fatalf("GetSubscription after the migration: %v", err)
	}
	if got.Auto || got.Target != flowdeck.WatchEnvironment || got.EnvironmentID != "env-1" || !got.Watermark.Equal(now.Add(-time.Hour)) {
		t.Errorf("after the migration = %+v; want the explicit environment watch, Auto unset, watermark kept", got)
	}
	checkMigratedOnce(t, s)
	// The migrated store takes the default subscription beside the old one.
	if _, err := s.CreateSubscription(ctx, flowdeck.Subscription{TenantID: "tenant-1", UserID: "user-1", Target: flowdeck.WatchMine, Auto: true, Watermark: now}); err != nil {
		t.Fatalf("CreateSubscription default after the migration: %v", err)
	}
}
