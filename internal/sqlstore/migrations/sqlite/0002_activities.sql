-- Inbound activities already handled, for replay protection: one row per
-- (channel, conversation, activity id) until its channel token has expired.

CREATE TABLE activities (
	activity_key TEXT PRIMARY KEY,
	expires_at INTEGER NOT NULL
);
CREATE INDEX activities_expiry ON activities (expires_at);
