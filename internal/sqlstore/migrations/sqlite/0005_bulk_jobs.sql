-- Bulk jobs of the tab: one row per confirmed bulk action on a flow's runs,
-- unique per user and idempotency key (a doubled confirmation makes one
-- job), and one row per run with its result.

CREATE TABLE bulk_jobs (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	idem_key TEXT NOT NULL,
	kind TEXT NOT NULL,
	scope TEXT NOT NULL,
	env TEXT NOT NULL,
	flow_id TEXT NOT NULL,
	flow_name TEXT NOT NULL,
	window_since INTEGER NOT NULL,
	window_until INTEGER NOT NULL,
	retry_of TEXT NOT NULL,
	state TEXT NOT NULL,
	message TEXT NOT NULL DEFAULT '',
	capped INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (tenant_id, user_id, idem_key)
);
CREATE INDEX bulk_jobs_user ON bulk_jobs (tenant_id, user_id, created_at);
CREATE INDEX bulk_jobs_state ON bulk_jobs (state, created_at);

CREATE TABLE bulk_items (
	job_id TEXT NOT NULL REFERENCES bulk_jobs (id) ON DELETE CASCADE,
	run_id TEXT NOT NULL,
	start_time INTEGER NOT NULL,
	status TEXT NOT NULL,
	state TEXT NOT NULL,
	code TEXT NOT NULL,
	message TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (job_id, run_id)
);
