-- Where a user's failure alerts and new approvals arrive: '' or 'chat' (a
-- card in the personal chat, as before this migration), 'feed' (a Teams
-- activity-feed notification) or 'both'.
ALTER TABLE user_settings ADD COLUMN delivery TEXT NOT NULL DEFAULT '';
