-- Up Migration
-- The sales alerts' state (src/store/postgres/alerts.ts), shared by every replica: a setting changed on any of
-- them is read by the elected poller. Marks move in the same transaction as what they guard: a poll writes the
-- account's watermark together with the sales it queued; a delivery removes its sales from the outbox together
-- with writing their sent marks.

-- Each operator's alert settings. No row: alerts off, the defaults.
CREATE TABLE alert_settings (
  telegram_id bigint PRIMARY KEY CHECK (telegram_id > 0),
  enabled     boolean NOT NULL,
  -- null: every channel of the account
  channel_ids bigint[],
  -- sales below this amount (in their own currency) are not alerted
  min_amount  double precision NOT NULL CHECK (min_amount >= 0),
  -- quiet hours, local HH:MM in the operator's zone; from > to crosses midnight; both null: none
  quiet_from  text CHECK (quiet_from ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  quiet_to    text CHECK (quiet_to ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  updated_at  timestamptz NOT NULL,
  CHECK ((quiet_from IS NULL) = (quiet_to IS NULL))
);
CREATE INDEX alert_settings_enabled ON alert_settings (telegram_id) WHERE enabled;

-- One row per premiumpay account polled for alerts (shared by every operator logged in with it).
CREATE TABLE alert_accounts (
  client_id      text PRIMARY KEY CHECK (length(client_id) BETWEEN 1 AND 256),
  -- every sale stamped before watermark - overlap has been handled; null before the first poll
  watermark      timestamptz,
  -- sale key -> the sale's date: the sales already handled that the next poll's overlap can still see
  seen           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(seen) = 'object'),
  -- premiumpay unreachable since then; outage_noticed once the operators were told
  outage_since   timestamptz,
  outage_noticed boolean NOT NULL DEFAULT false,
  -- fingerprint (never the token) of the login premiumpay refused: polling paused until another login
  refused_token  text CHECK (length(refused_token) <= 64),
  updated_at     timestamptz NOT NULL
);

-- Sales waiting to be sent to an operator. The primary key is what keeps a sale from being queued twice.
CREATE TABLE alert_outbox (
  telegram_id bigint NOT NULL CHECK (telegram_id > 0),
  sale_key    text NOT NULL CHECK (length(sale_key) BETWEEN 1 AND 200),
  -- the sale as the alert shows it (channel, amount, currency, date, link, country, method)
  sale        jsonb NOT NULL CHECK (sale ->> 'key' = sale_key),
  -- live: found by a regular poll; quiet: during quiet hours; catch-up: the first poll after downtime
  mode        text NOT NULL CHECK (mode IN ('live', 'quiet', 'catch-up')),
  queued_at   timestamptz NOT NULL,
  -- the order sales were queued in (outboxes are read oldest first)
  position    bigserial NOT NULL,
  PRIMARY KEY (telegram_id, sale_key)
);

-- Notices waiting to be sent to an operator, oldest (lowest id) first.
CREATE TABLE alert_notices (
  id          bigserial PRIMARY KEY,
  telegram_id bigint NOT NULL CHECK (telegram_id > 0),
  notice      text NOT NULL CHECK (notice IN ('unreachable', 'recovered', 'login-again'))
);
CREATE INDEX alert_notices_telegram_id ON alert_notices (telegram_id, id);

-- Sales sent to an operator (Telegram accepted the message), kept about a day: never queued for them again.
CREATE TABLE alert_sent (
  telegram_id bigint NOT NULL CHECK (telegram_id > 0),
  sale_key    text NOT NULL CHECK (length(sale_key) BETWEEN 1 AND 200),
  sent_at     timestamptz NOT NULL,
  PRIMARY KEY (telegram_id, sale_key)
);
CREATE INDEX alert_sent_sent_at ON alert_sent (telegram_id, sent_at);
