-- The default subscription made at a user's first sign-in is marked auto;
-- every subscription stored before this migration was asked for by its user
-- and stays as it is (auto = 0).
ALTER TABLE subscriptions ADD COLUMN auto INTEGER NOT NULL DEFAULT 0;
