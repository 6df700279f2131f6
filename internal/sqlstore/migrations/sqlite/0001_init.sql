-- FlowDeck schema, SQLite. Timestamps are INTEGER microseconds since the Unix
-- epoch (UTC); booleans are INTEGER 0/1.

CREATE TABLE delegated_tokens (
	tenant_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	audience TEXT NOT NULL,
	access_token_sealed BLOB NOT NULL,
	refresh_token_sealed BLOB NOT NULL,
	scopes TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, user_id, audience)
);

CREATE TABLE conversations (
	tenant_id TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	scope TEXT NOT NULL,
	user_id TEXT NOT NULL,
	service_url TEXT NOT NULL,
	bot_id TEXT NOT NULL,
	channel_id TEXT NOT NULL,
	team_id TEXT NOT NULL,
	channel_name TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, conversation_id)
);
CREATE INDEX conversations_personal ON conversations (tenant_id, user_id, scope);

CREATE TABLE subscriptions (
	id TEXT PRIMARY KEY,
	tenant_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	target TEXT NOT NULL,
	environment_id TEXT NOT NULL,
	flow_id TEXT NOT NULL,
	flow_name TEXT NOT NULL,
	watermark INTEGER NOT NULL,
	paused INTEGER NOT NULL DEFAULT 0,
	muted_until INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	UNIQUE (tenant_id, user_id, conversation_id, target, environment_id, flow_id)
);

CREATE TABLE user_settings (
	tenant_id TEXT NOT NULL,
	user_id TEXT NOT NULL,
	time_zone TEXT NOT NULL,
	digest_time TEXT NOT NULL,
	quiet_start TEXT NOT NULL,
	quiet_end TEXT NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (tenant_id, user_id)
);

CREATE TABLE notifications (
	dedupe_key TEXT PRIMARY KEY,
	subscription_id TEXT NOT NULL,
	tenant_id TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	activity_id TEXT NOT NULL,
	state TEXT NOT NULL,
	count INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);

CREATE TABLE cards (
	card_key TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	tenant_id TEXT NOT NULL,
	activity_id TEXT NOT NULL,
	kind TEXT NOT NULL,
	data BLOB NOT NULL,
	version INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (card_key, conversation_id)
);

CREATE TABLE leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);
