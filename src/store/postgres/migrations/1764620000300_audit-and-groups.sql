-- Up Migration
-- The audit log and the team group link (issue 16). Forward only.

-- Who did what on an account. `key` is the confirming click or update: a replayed confirmation inserts nothing.
-- Retention: the newest 1000 entries per account, none older than 400 days (src/store/team.ts).
CREATE TABLE audit_log (
  account  bigint NOT NULL CHECK (account > 0),
  key      text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  actor    bigint NOT NULL CHECK (actor > 0),
  at       timestamptz NOT NULL,
  action   text NOT NULL,
  -- names and ids only (validated by the bot's schema); never a token
  details  jsonb NOT NULL,
  PRIMARY KEY (account, key)
);
CREATE INDEX audit_log_account_at ON audit_log (account, at DESC);
CREATE INDEX audit_log_at ON audit_log (at);

-- The one Telegram group an account's digest and alerts may also go to; one group belongs to one account.
CREATE TABLE team_groups (
  account      bigint PRIMARY KEY CHECK (account > 0),
  chat_id      bigint NOT NULL UNIQUE CHECK (chat_id < 0),
  title        text NOT NULL,
  digest       boolean NOT NULL,
  alerts       boolean NOT NULL,
  connected_by bigint NOT NULL,
  connected_at timestamptz NOT NULL
);
