-- Up Migration
-- When each operator last turned alerts on (src/store/postgres/alerts.ts): sales dated before it are never alerted
-- to them. Null for settings saved before it was recorded, which keep working as they did. Forward only.
ALTER TABLE alert_settings ADD COLUMN enabled_at timestamptz;
