-- Each user's newest answer per slow question (the dashboard of a window),
-- shown at once while a live answer loads. body is JSON with flow names, no token.
CREATE TABLE snapshots (
	tenant_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	as_of INTEGER NOT NULL,
	body BLOB NOT NULL,
	PRIMARY KEY (tenant_id, user_id, kind)
);
