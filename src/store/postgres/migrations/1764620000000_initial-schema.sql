-- Up Migration
-- The bot's data on PostgreSQL. Forward only: a later change is a new, higher-numbered file, never an edit here.
-- Secrets are never stored in the clear: `token_sealed` and `conversations.sealed` are AES-256-GCM values
-- (v1.<keyId>.<iv>.<tag>.<ciphertext>) made by src/store/crypto.ts with CREDENTIALS_KEY and bound to their row.

-- One row per Telegram user who used the bot. Logged out: client_id and token_sealed are both null.
CREATE TABLE operators (
  telegram_id                 bigint PRIMARY KEY CHECK (telegram_id > 0),
  client_id                   text CHECK (length(client_id) BETWEEN 1 AND 256),
  token_sealed                text,
  locale                      text CHECK (locale IN ('en', 'es')),
  timezone                    text,
  digest_enabled              boolean NOT NULL,
  digest_time                 text NOT NULL CHECK (digest_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  -- null: every channel of the account
  digest_channel_ids          bigint[],
  -- the operator's local date of the last digest sent: the digest's exactly-once mark
  digest_last_sent_local_date date,
  last_channel_id             bigint,
  created_at                  timestamptz NOT NULL,
  updated_at                  timestamptz NOT NULL,
  CHECK ((client_id IS NULL) = (token_sealed IS NULL))
);

-- Confirmed premiumpay actions (a public link created, a welcome message set), keyed by the confirming click:
-- the primary key is what makes a redelivered or concurrent confirm run the action at most once.
CREATE TABLE confirmed_actions (
  action_id   text PRIMARY KEY CHECK (length(action_id) BETWEEN 1 AND 256),
  telegram_id bigint NOT NULL,
  -- pending: written before the action runs; done: after it succeeded, with its JSON result
  state       text NOT NULL CHECK (state IN ('pending', 'done')),
  result      jsonb,
  at          timestamptz NOT NULL
);
CREATE INDEX confirmed_actions_telegram_id ON confirmed_actions (telegram_id);
CREATE INDEX confirmed_actions_at ON confirmed_actions (at);

-- The state of each flow in progress (@grammyjs/conversations), sealed: it can hold a token the operator typed.
CREATE TABLE conversations (
  key        text PRIMARY KEY,
  sealed     text NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX conversations_updated_at ON conversations (updated_at);
