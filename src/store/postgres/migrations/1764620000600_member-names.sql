-- Up Migration
-- A teammate's Telegram first name and @username (src/store/postgres/team.ts), so /team and the audit log name
-- them. Null for teammates who joined before names were kept: they are shown by their id. Forward only.
ALTER TABLE team_members ADD COLUMN first_name text CHECK (length(first_name) BETWEEN 1 AND 256);
ALTER TABLE team_members ADD COLUMN username text CHECK (length(username) BETWEEN 1 AND 64);
