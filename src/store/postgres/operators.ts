import type pg from "pg";
import {
  checkTelegramId,
  loggedInRecord,
  openToken,
  patchedRecord,
  toOperator,
  validOperator,
} from "../records.js";
import type { OperatorRecord } from "../schema.js";
import type { OperatorPatch, OperatorStore, StoreTransfer } from "../types.js";
import { deleteAlertState } from "./alerts.js";
import { inTransaction, writing } from "./connection.js";
import type { PostgresContext, SealingContext } from "./context.js";

const OPERATOR_COLUMNS = `telegram_id::text AS telegram_id, client_id, token_sealed, locale, timezone,
  digest_enabled, digest_time, digest_channel_ids::text[] AS digest_channel_ids,
  digest_last_sent_local_date::text AS digest_last_sent_local_date, digest_chart,
  last_channel_id::text AS last_channel_id, created_at, updated_at`;

interface OperatorRow {
  telegram_id: string;
  client_id: string | null;
  token_sealed: string | null;
  locale: string | null;
  timezone: string | null;
  digest_enabled: boolean;
  digest_time: string;
  digest_channel_ids: string[] | null;
  digest_last_sent_local_date: string | null;
  digest_chart: boolean;
  last_channel_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Stored rows are checked like any other boundary: a row the schema refuses is reported, never half-used. */
function recordOf(row: OperatorRow): OperatorRecord {
  const record: Record<string, unknown> = {
    telegramId: Number(row.telegram_id),
    digest: {
      enabled: row.digest_enabled,
      time: row.digest_time,
      channelIds: row.digest_channel_ids?.map(Number) ?? null,
      lastSentLocalDate: row.digest_last_sent_local_date,
      chart: row.digest_chart,
    },
    lastChannelId: row.last_channel_id === null ? null : Number(row.last_channel_id),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.client_id !== null && row.token_sealed !== null)
    record.premiumpay = { clientId: row.client_id, token: row.token_sealed };
  if (row.locale !== null) record.locale = row.locale;
  if (row.timezone !== null) record.timezone = row.timezone;
  return validOperator(record as OperatorRecord);
}

const UPSERT_OPERATOR = `INSERT INTO operators (telegram_id, client_id, token_sealed, locale, timezone, digest_enabled,
    digest_time, digest_channel_ids, digest_last_sent_local_date, digest_chart, last_channel_id, created_at,
    updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
  ON CONFLICT (telegram_id) DO UPDATE SET client_id = EXCLUDED.client_id, token_sealed = EXCLUDED.token_sealed,
    locale = EXCLUDED.locale, timezone = EXCLUDED.timezone, digest_enabled = EXCLUDED.digest_enabled,
    digest_time = EXCLUDED.digest_time, digest_channel_ids = EXCLUDED.digest_channel_ids,
    digest_last_sent_local_date = EXCLUDED.digest_last_sent_local_date, digest_chart = EXCLUDED.digest_chart,
    last_channel_id = EXCLUDED.last_channel_id, updated_at = EXCLUDED.updated_at`;

function rowValues(record: OperatorRecord): unknown[] {
  return [
    record.telegramId,
    record.premiumpay?.clientId ?? null,
    record.premiumpay?.token ?? null,
    record.locale ?? null,
    record.timezone ?? null,
    record.digest.enabled,
    record.digest.time,
    record.digest.channelIds,
    record.digest.lastSentLocalDate,
    record.digest.chart,
    record.lastChannelId,
    record.createdAt,
    record.updatedAt,
  ];
}

/**
 * A settings change in one statement, one round trip, committed when it returns: the row's own lock orders
 * concurrent changes, and each sets only the columns its patch names ($14..$21 say which). A new operator gets the
 * whole record ($1..$13). Four round trips (BEGIN, SELECT FOR UPDATE, upsert, COMMIT) cost twice the latency of
 * this on a busy machine (npm run bench:postgres).
 */
const PATCH_OPERATOR = `INSERT INTO operators (telegram_id, client_id, token_sealed, locale, timezone, digest_enabled,
    digest_time, digest_channel_ids, digest_last_sent_local_date, digest_chart, last_channel_id, created_at,
    updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
  ON CONFLICT (telegram_id) DO UPDATE SET
    locale = CASE WHEN $14 THEN EXCLUDED.locale ELSE operators.locale END,
    timezone = CASE WHEN $15 THEN EXCLUDED.timezone ELSE operators.timezone END,
    last_channel_id = CASE WHEN $16 THEN EXCLUDED.last_channel_id ELSE operators.last_channel_id END,
    digest_enabled = CASE WHEN $17 THEN EXCLUDED.digest_enabled ELSE operators.digest_enabled END,
    digest_time = CASE WHEN $18 THEN EXCLUDED.digest_time ELSE operators.digest_time END,
    digest_channel_ids = CASE WHEN $19 THEN EXCLUDED.digest_channel_ids ELSE operators.digest_channel_ids END,
    digest_last_sent_local_date = CASE WHEN $20 THEN EXCLUDED.digest_last_sent_local_date
      ELSE operators.digest_last_sent_local_date END,
    digest_chart = CASE WHEN $21 THEN EXCLUDED.digest_chart ELSE operators.digest_chart END,
    updated_at = EXCLUDED.updated_at
  RETURNING ${OPERATOR_COLUMNS}`;

/** Which columns a patch sets, in PATCH_OPERATOR's order ($14..$21). */
function patchedColumns(patch: OperatorPatch): boolean[] {
  const digest = patch.digest ?? {};
  return [
    patch.locale,
    patch.timezone,
    patch.lastChannelId,
    digest.enabled,
    digest.time,
    digest.channelIds,
    digest.lastSentLocalDate,
    digest.chart,
  ].map((value) => value !== undefined);
}

async function lockedRecord(client: pg.PoolClient, telegramId: number): Promise<OperatorRecord | undefined> {
  const { rows } = await client.query<OperatorRow>(
    `SELECT ${OPERATOR_COLUMNS} FROM operators WHERE telegram_id = $1 FOR UPDATE`,
    [telegramId],
  );
  return rows[0] ? recordOf(rows[0]) : undefined;
}

/** Read, change and write one operator under its row lock (a missing row is locked by inserting it first). */
async function changeOperator(
  { pool, now }: SealingContext,
  telegramId: number,
  change: (existing: OperatorRecord | undefined, stamp: string) => OperatorRecord,
) {
  checkTelegramId(telegramId);
  return writing("the operator's settings", () =>
    inTransaction(pool, async (client) => {
      const existing = await lockedRecord(client, telegramId);
      const record = change(existing, now().toISOString());
      await client.query(UPSERT_OPERATOR, rowValues(record));
      return toOperator(record);
    }),
  );
}

/**
 * Operators' settings and credentials: a read-modify-write of one operator holds that operator's row lock, so
 * replicas writing the same operator at once never lose a change.
 */
export function createPostgresOperatorStore(context: SealingContext): OperatorStore {
  const { pool, ring, now } = context;
  return {
    async getOperator(telegramId) {
      const { rows } = await pool.query<OperatorRow>(
        `SELECT ${OPERATOR_COLUMNS} FROM operators WHERE telegram_id = $1`,
        [telegramId],
      );
      return rows[0] ? toOperator(recordOf(rows[0])) : undefined;
    },

    async listOperators() {
      const { rows } = await pool.query<OperatorRow>(
        `SELECT ${OPERATOR_COLUMNS} FROM operators ORDER BY telegram_id`,
      );
      return rows.map((row) => toOperator(recordOf(row)));
    },

    async getCredentials(telegramId) {
      const { rows } = await pool.query<{ client_id: string; token_sealed: string }>(
        "SELECT client_id, token_sealed FROM operators WHERE telegram_id = $1 AND token_sealed IS NOT NULL",
        [telegramId],
      );
      const row = rows[0];
      if (!row) return undefined;
      return { clientId: row.client_id, token: openToken(ring, telegramId, row.token_sealed) };
    },

    saveCredentials(telegramId, creds, defaults) {
      return changeOperator(context, telegramId, (existing, stamp) =>
        loggedInRecord(ring, existing, telegramId, creds, defaults, stamp),
      );
    },

    async updateOperator(telegramId, patch) {
      // During a key rotation a write also re-seals the operator's token: that needs the record, under its lock.
      if (ring.previousId !== undefined) {
        return changeOperator(context, telegramId, (existing, stamp) =>
          patchedRecord(ring, existing, telegramId, patch, stamp),
        );
      }
      // The record a new operator gets; building it also validates every value of the patch.
      const fresh = patchedRecord(ring, undefined, telegramId, patch, now().toISOString());
      const { rows } = await writing("the operator's settings", () =>
        pool.query<OperatorRow>(PATCH_OPERATOR, [...rowValues(fresh), ...patchedColumns(patch)]),
      );
      return toOperator(recordOf(rows[0]!));
    },

    deleteOperator(telegramId) {
      return writing("the operator's deletion", () =>
        inTransaction(pool, async (client) => {
          const operators = await client.query("DELETE FROM operators WHERE telegram_id = $1", [telegramId]);
          const actions = await client.query("DELETE FROM confirmed_actions WHERE telegram_id = $1", [
            telegramId,
          ]);
          const alerts = await deleteAlertState(client, telegramId);
          return (operators.rowCount ?? 0) + (actions.rowCount ?? 0) + alerts > 0;
        }),
      );
    },
  };
}

/** store:copy's side of the operators: their times, written as given. */
export function createOperatorTimes({ pool }: PostgresContext): Pick<StoreTransfer, "setOperatorTimes"> {
  return {
    async setOperatorTimes(telegramId, { createdAt, updatedAt }) {
      await writing("the operator's times", () =>
        pool.query("UPDATE operators SET created_at = $2, updated_at = $3 WHERE telegram_id = $1", [
          telegramId,
          createdAt,
          updatedAt,
        ]),
      );
    },
  };
}
