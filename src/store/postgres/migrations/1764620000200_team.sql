-- Up Migration
-- Team access: teammates act for an owner's premiumpay account with the owner's credentials (never stored here
-- again: they stay in operators.token_sealed). Invitation codes are never stored, only their SHA-256.

-- One row per teammate: a user is on at most one team.
CREATE TABLE team_members (
  telegram_id bigint PRIMARY KEY CHECK (telegram_id > 0),
  owner_id    bigint NOT NULL CHECK (owner_id > 0 AND owner_id <> telegram_id),
  -- the owner's premiumpay account when they joined: a teammate never follows the owner to another account
  client_id   text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 256),
  role        text NOT NULL CHECK (role IN ('viewer', 'manager')),
  joined_at   timestamptz NOT NULL
);
CREATE INDEX team_members_owner_id ON team_members (owner_id);

CREATE TABLE team_invitations (
  id          text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{6,32}$'),
  code_hash   text NOT NULL UNIQUE CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  owner_id    bigint NOT NULL CHECK (owner_id > 0),
  client_id   text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 256),
  role        text NOT NULL CHECK (role IN ('viewer', 'manager')),
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  state       text NOT NULL CHECK (state IN ('pending', 'used', 'revoked')),
  used_by     bigint
);
CREATE INDEX team_invitations_owner_id ON team_invitations (owner_id);

-- Owners whose credentials premiumpay refused: their team has no access until they log in again.
CREATE TABLE team_refused_accounts (
  owner_id bigint PRIMARY KEY CHECK (owner_id > 0),
  at       timestamptz NOT NULL
);
