import type pg from "pg";
import {
  type AlertAccount,
  type AlertDelivery,
  type AlertOutbox,
  type AlertSettings,
  type AlertStateSnapshot,
  alertAccountSchema,
  alertNoticeSchema,
  alertOutboxEntrySchema,
  alertPollSchema,
  alertSettingsSchema,
  alertStateSnapshotSchema,
  checked,
  DEFAULT_ALERT_SETTINGS,
  emptyOutbox,
} from "../alerts.js";
import { checkTelegramId } from "../records.js";
import type { AlertStore } from "../types.js";
import { ALERT_OUTBOX_LOCK_CLASS } from "./advisory-locks.js";
import { inTransaction, writing } from "./connection.js";
import type { PostgresContext } from "./context.js";

interface SettingsRow {
  telegram_id: string;
  enabled: boolean;
  channel_ids: string[] | null;
  min_amount: number;
  quiet_from: string | null;
  quiet_to: string | null;
  enabled_at: Date | null;
}

interface AccountRow {
  client_id: string;
  watermark: Date | null;
  seen: Record<string, string>;
  outage_since: Date | null;
  outage_noticed: boolean;
  refused_token: string | null;
}

const SETTINGS_COLUMNS =
  "telegram_id::text AS telegram_id, enabled, channel_ids::text[] AS channel_ids, min_amount, quiet_from, quiet_to, enabled_at";
const ACCOUNT_COLUMNS = "client_id, watermark, seen, outage_since, outage_noticed, refused_token";

/** Stored rows are checked like any other boundary: a row the schema refuses is reported, never half-used. */
function settingsOf(row: SettingsRow): AlertSettings {
  return checked(
    alertSettingsSchema,
    {
      enabled: row.enabled,
      channelIds: row.channel_ids?.map(Number) ?? null,
      minAmount: row.min_amount,
      quietHours: row.quiet_from === null ? null : { from: row.quiet_from, to: row.quiet_to },
      ...(row.enabled_at ? { enabledAt: row.enabled_at.toISOString() } : {}),
    },
    `stored alert settings of ${row.telegram_id}`,
  );
}

function accountOf(row: AccountRow): AlertAccount {
  return checked(
    alertAccountSchema,
    {
      clientId: row.client_id,
      watermark: row.watermark?.toISOString() ?? null,
      seen: row.seen,
      outage: row.outage_since
        ? { since: row.outage_since.toISOString(), noticed: row.outage_noticed }
        : null,
      refusedToken: row.refused_token,
    },
    `stored alert account ${row.client_id}`,
  );
}

const settingsValues = (telegramId: number, settings: AlertSettings, at: Date) => [
  telegramId,
  settings.enabled,
  settings.channelIds,
  settings.minAmount,
  settings.quietHours?.from ?? null,
  settings.quietHours?.to ?? null,
  at,
  settings.enabledAt ?? null,
];
const INSERT_SETTINGS = `INSERT INTO alert_settings
    (telegram_id, enabled, channel_ids, min_amount, quiet_from, quiet_to, updated_at, enabled_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;
const UPSERT_SETTINGS = `${INSERT_SETTINGS}
  ON CONFLICT (telegram_id) DO UPDATE SET enabled = EXCLUDED.enabled, channel_ids = EXCLUDED.channel_ids,
    min_amount = EXCLUDED.min_amount, quiet_from = EXCLUDED.quiet_from, quiet_to = EXCLUDED.quiet_to,
    updated_at = EXCLUDED.updated_at, enabled_at = EXCLUDED.enabled_at`;

const accountValues = (account: AlertAccount, at: Date) => [
  account.clientId,
  account.watermark,
  JSON.stringify(account.seen),
  account.outage?.since ?? null,
  account.outage?.noticed ?? false,
  account.refusedToken,
  at,
];
const INSERT_ACCOUNT = `INSERT INTO alert_accounts
    (client_id, watermark, seen, outage_since, outage_noticed, refused_token, updated_at)
  VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7)`;
const UPSERT_ACCOUNT = `${INSERT_ACCOUNT}
  ON CONFLICT (client_id) DO UPDATE SET watermark = EXCLUDED.watermark, seen = EXCLUDED.seen,
    outage_since = EXCLUDED.outage_since, outage_noticed = EXCLUDED.outage_noticed,
    refused_token = EXCLUDED.refused_token, updated_at = EXCLUDED.updated_at`;

/**
 * Queues sales for one operator: one already waiting (the primary key) or already sent (alert_sent) is skipped.
 * The caller holds the operator's outbox lock, so a delivery marking a sale sent cannot slip between the check and
 * the insert.
 */
const QUEUE_SALES = `INSERT INTO alert_outbox (telegram_id, sale_key, sale, mode, queued_at)
  SELECT $1, item.sale ->> 'key', item.sale, $3, $4
  FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS item(sale, position)
  WHERE NOT EXISTS (SELECT 1 FROM alert_sent s WHERE s.telegram_id = $1 AND s.sale_key = item.sale ->> 'key')
  ORDER BY item.position
  ON CONFLICT (telegram_id, sale_key) DO NOTHING`;

/**
 * Every read-modify-write of one operator's outbox (or settings) takes this transaction-scoped lock first, in
 * ascending id order when it takes several, so writers on any replica serialize per operator and never deadlock.
 */
async function lockOutboxes(client: pg.ClientBase, telegramIds: readonly number[]): Promise<void> {
  for (const id of [...new Set(telegramIds)].sort((a, b) => a - b))
    await client.query("SELECT pg_advisory_xact_lock($1, hashint8($2))", [ALERT_OUTBOX_LOCK_CLASS, id]);
}

async function insertOutbox(client: pg.ClientBase, outbox: AlertOutbox): Promise<void> {
  const { telegramId } = outbox;
  for (const entry of outbox.entries)
    await client.query(
      `INSERT INTO alert_outbox (telegram_id, sale_key, sale, mode, queued_at) VALUES ($1, $2, $3::jsonb, $4, $5)
       ON CONFLICT (telegram_id, sale_key) DO NOTHING`,
      [telegramId, entry.sale.key, JSON.stringify(entry.sale), entry.mode, entry.queuedAt],
    );
  for (const notice of outbox.notices)
    await client.query("INSERT INTO alert_notices (telegram_id, notice) VALUES ($1, $2)", [
      telegramId,
      notice,
    ]);
  const sent = Object.entries(outbox.sent);
  if (sent.length > 0)
    await client.query(
      `INSERT INTO alert_sent (telegram_id, sale_key, sent_at)
       SELECT $1, key, at FROM unnest($2::text[], $3::timestamptz[]) AS mark(key, at)
       ON CONFLICT (telegram_id, sale_key) DO UPDATE SET sent_at = EXCLUDED.sent_at`,
      [telegramId, sent.map(([key]) => key), sent.map(([, at]) => at)],
    );
}

const OUTBOX_TABLES = ["alert_outbox", "alert_notices", "alert_sent"] as const;

type AlertSettingsStore = Pick<AlertStore, "alertSettings" | "setAlertSettings" | "alertSubscribers">;
type AlertPollStore = Pick<AlertStore, "alertAccount" | "recordAlertPoll">;
type AlertOutboxStore = Pick<AlertStore, "alertOutboxes" | "markAlertsSent" | "clearAlertOutbox">;
type AlertTransfer = Pick<AlertStore, "exportAlertState" | "importAlertState">;

/**
 * The alert state in PostgreSQL (migration 1764620000100_alert-state.sql), each concern a part of its own on the
 * shared pool; every write is one transaction.
 */
export function createPostgresAlertStore(context: PostgresContext): AlertStore {
  return {
    ...createAlertSettings(context),
    ...createAlertPolls(context),
    ...createAlertOutboxes(context),
    ...createAlertTransfer(context),
  };
}

/** Turns a failed write into StoreWriteError (the change is not saved). */
const transaction = <T>(pool: pg.Pool, what: string, work: (client: pg.PoolClient) => Promise<T>) =>
  writing(what, () => inTransaction(pool, work));

function createAlertSettings({ pool, now }: PostgresContext): AlertSettingsStore {
  return {
    async alertSettings(telegramId) {
      const { rows } = await pool.query<SettingsRow>(
        `SELECT ${SETTINGS_COLUMNS} FROM alert_settings WHERE telegram_id = $1`,
        [telegramId],
      );
      return rows[0] ? settingsOf(rows[0]) : { ...DEFAULT_ALERT_SETTINGS };
    },

    async setAlertSettings(telegramId, settings) {
      checkTelegramId(telegramId);
      const valid = checked(alertSettingsSchema, settings, "alert settings");
      await writing("the alert settings", () =>
        pool.query(UPSERT_SETTINGS, settingsValues(telegramId, valid, now())),
      );
    },

    async alertSubscribers() {
      const { rows } = await pool.query<SettingsRow>(
        `SELECT ${SETTINGS_COLUMNS} FROM alert_settings WHERE enabled ORDER BY alert_settings.telegram_id`,
      );
      return rows.map((row) => ({ telegramId: Number(row.telegram_id), settings: settingsOf(row) }));
    },
  };
}

/** The pollers' side: each account's watermark and outage, and the sales found queued for its operators. */
function createAlertPolls({ pool, now }: PostgresContext): AlertPollStore {
  return {
    async alertAccount(clientId) {
      const { rows } = await pool.query<AccountRow>(
        `SELECT ${ACCOUNT_COLUMNS} FROM alert_accounts WHERE client_id = $1`,
        [clientId],
      );
      return rows[0] ? accountOf(rows[0]) : undefined;
    },

    async recordAlertPoll(poll) {
      const valid = checked(alertPollSchema, poll, "alert poll");
      await transaction(pool, "the alert poll", async (client) => {
        await client.query(UPSERT_ACCOUNT, accountValues(valid.account, now()));
        await lockOutboxes(
          client,
          valid.queued.map((queued) => queued.telegramId),
        );
        for (const queued of valid.queued) {
          if (queued.sales.length > 0)
            await client.query(QUEUE_SALES, [
              queued.telegramId,
              JSON.stringify(queued.sales),
              queued.mode,
              valid.at,
            ]);
          if (queued.notice)
            await client.query("INSERT INTO alert_notices (telegram_id, notice) VALUES ($1, $2)", [
              queued.telegramId,
              queued.notice,
            ]);
        }
      });
    },
  };
}

/** Every operator's outbox, assembled from its waiting sales, its notices and its sent marks. */
async function readOutboxes(pool: pg.Pool): Promise<AlertOutbox[]> {
  const [entries, notices, sent] = await Promise.all([
    pool.query<{ telegram_id: string; sale: unknown; mode: string; queued_at: Date }>(
      `SELECT telegram_id::text AS telegram_id, sale, mode, queued_at FROM alert_outbox o
       ORDER BY o.telegram_id, position`,
    ),
    pool.query<{ telegram_id: string; notice: string }>(
      `SELECT telegram_id::text AS telegram_id, notice FROM alert_notices n ORDER BY n.telegram_id, id`,
    ),
    pool.query<{ telegram_id: string; sale_key: string; sent_at: Date }>(
      `SELECT telegram_id::text AS telegram_id, sale_key, sent_at FROM alert_sent s
       ORDER BY s.telegram_id, sale_key`,
    ),
  ]);
  const byId = new Map<number, AlertOutbox>();
  const outboxOf = (id: string) => {
    const telegramId = Number(id);
    let outbox = byId.get(telegramId);
    if (!outbox) {
      outbox = emptyOutbox(telegramId);
      byId.set(telegramId, outbox);
    }
    return outbox;
  };
  for (const row of entries.rows)
    outboxOf(row.telegram_id).entries.push(
      checked(
        alertOutboxEntrySchema,
        { sale: row.sale, mode: row.mode, queuedAt: row.queued_at.toISOString() },
        `stored alert of ${row.telegram_id}`,
      ),
    );
  for (const row of notices.rows)
    outboxOf(row.telegram_id).notices.push(
      checked(alertNoticeSchema, row.notice, `stored alert notice of ${row.telegram_id}`),
    );
  for (const row of sent.rows) outboxOf(row.telegram_id).sent[row.sale_key] = row.sent_at.toISOString();
  return [...byId.values()].sort((a, b) => a.telegramId - b.telegramId);
}

/** A delivered message leaves the outbox: its notice, or its sales, which are marked sent (old marks dropped). */
async function deliver(
  client: pg.ClientBase,
  telegramId: number,
  delivery: AlertDelivery,
  at: Date,
  forgetSentBefore: Date,
): Promise<void> {
  if ("notice" in delivery) {
    await client.query(
      `DELETE FROM alert_notices WHERE id =
         (SELECT id FROM alert_notices WHERE telegram_id = $1 AND notice = $2 ORDER BY id LIMIT 1)`,
      [telegramId, delivery.notice],
    );
    return;
  }
  await client.query("DELETE FROM alert_outbox WHERE telegram_id = $1 AND sale_key = ANY($2::text[])", [
    telegramId,
    delivery.saleKeys,
  ]);
  await client.query("DELETE FROM alert_sent WHERE telegram_id = $1 AND sent_at < $2", [
    telegramId,
    forgetSentBefore,
  ]);
  await client.query(
    `INSERT INTO alert_sent (telegram_id, sale_key, sent_at) SELECT $1, key, $3 FROM unnest($2::text[]) AS key
     ON CONFLICT (telegram_id, sale_key) DO UPDATE SET sent_at = EXCLUDED.sent_at`,
    [telegramId, delivery.saleKeys, at],
  );
}

/** The senders' side: what waits, the sent marks of what Telegram accepted, and the clearing of an outbox. */
function createAlertOutboxes({ pool, now }: PostgresContext): AlertOutboxStore {
  return {
    alertOutboxes: () => readOutboxes(pool),

    async markAlertsSent(telegramId, delivery, at, forgetSentBefore) {
      checkTelegramId(telegramId);
      await transaction(pool, "the alert's sent mark", async (client) => {
        await lockOutboxes(client, [telegramId]);
        await deliver(client, telegramId, delivery, at, forgetSentBefore);
      });
    },

    async clearAlertOutbox(telegramId, options = {}) {
      checkTelegramId(telegramId);
      await transaction(pool, "the cleared alert outbox", async (client) => {
        await lockOutboxes(client, [telegramId]);
        await client.query("DELETE FROM alert_outbox WHERE telegram_id = $1", [telegramId]);
        await client.query("DELETE FROM alert_notices WHERE telegram_id = $1", [telegramId]);
        if (options.switchOff)
          await client.query(
            "UPDATE alert_settings SET enabled = false, updated_at = $2 WHERE telegram_id = $1 AND enabled",
            [telegramId, now()],
          );
      });
    },
  };
}

/** An imported outbox replaces the stored one, or with `fill` is written only where the operator has none. */
async function importOutbox(client: pg.ClientBase, outbox: AlertOutbox, fill: boolean): Promise<void> {
  if (fill) {
    const { rows } = await client.query(
      OUTBOX_TABLES.map((table) => `SELECT 1 FROM ${table} WHERE telegram_id = $1`).join(" UNION ALL "),
      [outbox.telegramId],
    );
    if (rows.length > 0) return;
  } else {
    for (const table of OUTBOX_TABLES)
      await client.query(`DELETE FROM ${table} WHERE telegram_id = $1`, [outbox.telegramId]);
  }
  await insertOutbox(client, outbox);
}

/** store:copy's side (and the one-time import of an old alerts.json): every record, written in one transaction. */
function createAlertTransfer({ pool, now }: PostgresContext): AlertTransfer {
  return {
    async exportAlertState(): Promise<AlertStateSnapshot> {
      const [settings, accounts, outboxList] = await Promise.all([
        pool.query<SettingsRow>(
          `SELECT ${SETTINGS_COLUMNS} FROM alert_settings ORDER BY alert_settings.telegram_id`,
        ),
        pool.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM alert_accounts ORDER BY client_id`),
        readOutboxes(pool),
      ]);
      return {
        settings: settings.rows.map((row) => ({
          telegramId: Number(row.telegram_id),
          settings: settingsOf(row),
        })),
        accounts: accounts.rows.map(accountOf),
        outboxes: outboxList,
      };
    },

    async importAlertState(snapshot, mode) {
      const valid = checked(alertStateSnapshotSchema, snapshot, "alert state");
      const fill = mode === "fill";
      await transaction(pool, "the imported alert state", async (client) => {
        await lockOutboxes(
          client,
          [...valid.settings, ...valid.outboxes].map((record) => record.telegramId),
        );
        const at = now();
        for (const record of valid.settings)
          await client.query(
            fill ? `${INSERT_SETTINGS} ON CONFLICT (telegram_id) DO NOTHING` : UPSERT_SETTINGS,
            settingsValues(record.telegramId, record.settings, at),
          );
        for (const account of valid.accounts)
          await client.query(
            fill ? `${INSERT_ACCOUNT} ON CONFLICT (client_id) DO NOTHING` : UPSERT_ACCOUNT,
            accountValues(account, at),
          );
        for (const outbox of valid.outboxes) await importOutbox(client, outbox, fill);
      });
    },
  };
}

/** Deletes one operator's alert state inside the caller's transaction (Store.deleteOperator). */
export async function deleteAlertState(client: pg.ClientBase, telegramId: number): Promise<number> {
  let removed = 0;
  for (const table of ["alert_settings", ...OUTBOX_TABLES]) {
    const result = await client.query(`DELETE FROM ${table} WHERE telegram_id = $1`, [telegramId]);
    removed += result.rowCount ?? 0;
  }
  return removed;
}
