import type pg from "pg";
import { AUDIT_MAX_AGE_MS } from "../audit.js";
import { KeyRing, sealedKeyId } from "../crypto.js";
import { CredentialsDamagedError, StoreError } from "../errors.js";
import {
  checkTelegramId,
  conversationAad,
  loggedInRecord,
  openToken as openSealedToken,
  patchedRecord,
  tokenAad,
  toOperator,
  validOperator,
} from "../records.js";
import { actionRecordSchema, type OperatorRecord, versionedStateSchema } from "../schema.js";
import type { OperatorPatch, RunOnceOutcome, Store, StoreKeyOptions, VersionedState } from "../types.js";
import { createPostgresAlertStore, deleteAlertState } from "./alerts.js";
import { createPostgresAuditStore } from "./audit.js";
import { checkOut, createPool, databaseLocation, inTransaction, writing } from "./connection.js";
import { migrate } from "./migrate.js";
import { createPostgresTeamStore } from "./team.js";

export interface PostgresStoreOptions extends StoreKeyOptions {
  /** postgresql://user:password@host:port/database */
  url: string;
  /** Connections of the store's pool. Default 10. */
  poolSize?: number;
  /** Errors of idle connections (the server restarted); the pool reconnects by itself. */
  onConnectionError?: (error: Error) => void;
}

/** Confirmed-action records only need to outlive Telegram's redelivery of an update. */
const ACTION_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_CONVERSATION_TTL_MS = 30 * 60 * 1000;

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

/**
 * The Store on PostgreSQL: every write is committed when its promise resolves; a read-modify-write of one operator
 * holds that operator's row lock, so replicas writing the same operator at once never lose a change. Secrets are
 * sealed with the same key ring, associated data and format as the lowdb backend, so rows move between the two
 * as they are.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const ring = new KeyRing(options.credentialsKey, options.previousCredentialsKey);
  const now = options.now ?? (() => new Date());
  const conversationTtlMs = options.conversationTtlMs ?? DEFAULT_CONVERSATION_TTL_MS;
  const location = databaseLocation(options.url);
  const pool = createPool(options.url, {
    max: options.poolSize ?? 10,
    ...(options.onConnectionError ? { onError: options.onConnectionError } : {}),
  });

  try {
    const client = await checkOut(pool);
    try {
      await migrate(client);
    } finally {
      client.release();
    }
    await checkKeysConfigured(pool, ring);
    await pool.query("DELETE FROM confirmed_actions WHERE at < $1", [
      new Date(now().getTime() - ACTION_RETENTION_MS),
    ]);
    await pool.query("DELETE FROM audit_log WHERE at < $1", [new Date(now().getTime() - AUDIT_MAX_AGE_MS)]);
  } catch (error) {
    await pool.end().catch(() => {});
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open ${location}: ${(error as Error).message}`);
  }

  // Memory only: the durable marker is the action's row; this map lets concurrent duplicates share one run.
  const runningActions = new Map<string, Promise<RunOnceOutcome<unknown>>>();

  const openToken = (telegramId: number, sealed: string) => openSealedToken(ring, telegramId, sealed);

  async function lockedRecord(
    client: pg.PoolClient,
    telegramId: number,
  ): Promise<OperatorRecord | undefined> {
    const { rows } = await client.query<OperatorRow>(
      `SELECT ${OPERATOR_COLUMNS} FROM operators WHERE telegram_id = $1 FOR UPDATE`,
      [telegramId],
    );
    return rows[0] ? recordOf(rows[0]) : undefined;
  }

  /** Read, change and write one operator under its row lock (a missing row is locked by inserting it first). */
  async function changeOperator(
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

  async function runAction<T>(actionId: string, action: () => Promise<T>) {
    let result: T;
    try {
      result = await action();
    } catch (error) {
      await pool.query("DELETE FROM confirmed_actions WHERE action_id = $1", [actionId]).catch(() => {});
      throw error;
    }
    const stored = result === undefined ? null : JSON.stringify(result);
    // The action happened, so its result is returned even if this write fails: the row then still says pending,
    // and a redelivery reports "unknown" instead of running it twice.
    await pool
      .query(
        "UPDATE confirmed_actions SET state = 'done', result = $2::jsonb, at = $3 WHERE action_id = $1",
        [actionId, stored, now()],
      )
      .catch(() => {});
    return { state: "done", result, replayed: false } as RunOnceOutcome<T>;
  }

  /** The primary key decides who runs an action: of every replica and every duplicate, one insert wins. */
  async function claimAction<T>(
    actionId: string,
    telegramId: number,
    action: () => Promise<T>,
  ): Promise<RunOnceOutcome<T>> {
    for (;;) {
      const inserted = await writing("the confirmed action", () =>
        pool.query(
          `INSERT INTO confirmed_actions (action_id, telegram_id, state, at) VALUES ($1, $2, 'pending', $3)
           ON CONFLICT (action_id) DO NOTHING`,
          [actionId, telegramId, now()],
        ),
      );
      if (inserted.rowCount === 1) return runAction(actionId, action);
      const { rows } = await pool.query<{ telegram_id: string; state: string; result: unknown; at: Date }>(
        "SELECT telegram_id::text AS telegram_id, state, result, at FROM confirmed_actions WHERE action_id = $1",
        [actionId],
      );
      const row = rows[0];
      // Gone between the insert and the select (its run failed, leaving no record): claim it again.
      if (!row) continue;
      if (Number(row.telegram_id) !== telegramId)
        throw new StoreError(`action ${actionId} belongs to another user`);
      if (row.state === "done")
        return { state: "done", result: (row.result ?? undefined) as T, replayed: true };
      return { state: "unknown", result: undefined, replayed: true, startedAt: row.at.toISOString() };
    }
  }

  function openConversation(key: string, sealed: string): VersionedState<unknown> | undefined {
    if (!ring.canOpen(sealedKeyId(sealed))) throw ring.mismatch(sealedKeyId(sealed));
    try {
      const json = ring.open(sealed, conversationAad(key), `conversation ${key}`);
      return versionedStateSchema.parse(JSON.parse(json)) as VersionedState<unknown>;
    } catch {
      return undefined;
    }
  }

  /** Removes the flows that cannot be opened; each key is returned by the replica whose delete removed it. */
  async function takeDamagedConversations(): Promise<string[]> {
    const { rows } = await pool.query<{ key: string; sealed: string }>(
      "SELECT key, sealed FROM conversations",
    );
    const taken: string[] = [];
    for (const row of rows) {
      if (openConversation(row.key, row.sealed)) continue;
      const removed = await writing("the removal of a damaged flow", () =>
        pool.query("DELETE FROM conversations WHERE key = $1 AND sealed = $2", [row.key, row.sealed]),
      );
      if (removed.rowCount) taken.push(row.key);
    }
    return taken.sort();
  }

  const store: Store = {
    location,
    ...createPostgresTeamStore({ pool, now }),
    ...createPostgresAuditStore({ pool, now }),

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
      return { clientId: row.client_id, token: openToken(telegramId, row.token_sealed) };
    },

    saveCredentials(telegramId, creds, defaults) {
      return changeOperator(telegramId, (existing, stamp) =>
        loggedInRecord(ring, existing, telegramId, creds, defaults, stamp),
      );
    },

    async updateOperator(telegramId, patch) {
      // During a key rotation a write also re-seals the operator's token: that needs the record, under its lock.
      if (ring.previousId !== undefined) {
        return changeOperator(telegramId, (existing, stamp) =>
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

    async runOnce<T>(actionId: string, telegramId: number, action: () => Promise<T>) {
      checkTelegramId(telegramId);
      const running = runningActions.get(actionId) as Promise<RunOnceOutcome<T>> | undefined;
      if (running) {
        const shared = await running;
        return { ...shared, replayed: true } as RunOnceOutcome<T>;
      }
      const claim = claimAction(actionId, telegramId, action);
      runningActions.set(actionId, claim as Promise<RunOnceOutcome<unknown>>);
      const forget = () => runningActions.delete(actionId);
      claim.then(forget, forget);
      return claim;
    },

    async listConfirmedActions() {
      const { rows } = await pool.query<{
        action_id: string;
        telegram_id: string;
        state: string;
        result: unknown;
        at: Date;
      }>("SELECT action_id, telegram_id::text AS telegram_id, state, result, at FROM confirmed_actions");
      return rows.map((row) =>
        actionRecordSchema.parse({
          actionId: row.action_id,
          telegramId: Number(row.telegram_id),
          state: row.state,
          ...(row.result === null ? {} : { result: row.result }),
          at: row.at.toISOString(),
        }),
      );
    },

    async putConfirmedActions(records) {
      await writing("the confirmed actions", () =>
        inTransaction(pool, async (client) => {
          for (const record of records) {
            await client.query(
              `INSERT INTO confirmed_actions (action_id, telegram_id, state, result, at)
               VALUES ($1, $2, $3, $4::jsonb, $5)
               ON CONFLICT (action_id) DO UPDATE SET telegram_id = EXCLUDED.telegram_id, state = EXCLUDED.state,
                 result = EXCLUDED.result, at = EXCLUDED.at`,
              [
                record.actionId,
                record.telegramId,
                record.state,
                record.result === undefined ? null : JSON.stringify(record.result),
                record.at,
              ],
            );
          }
        }),
      );
    },

    async setOperatorTimes(telegramId, { createdAt, updatedAt }) {
      await writing("the operator's times", () =>
        pool.query("UPDATE operators SET created_at = $2, updated_at = $3 WHERE telegram_id = $1", [
          telegramId,
          createdAt,
          updatedAt,
        ]),
      );
    },

    async verifyCredentials() {
      const { rows } = await pool.query<{ telegram_id: string; token_sealed: string }>(
        "SELECT telegram_id::text AS telegram_id, token_sealed FROM operators WHERE token_sealed IS NOT NULL",
      );
      const damaged: number[] = [];
      for (const row of rows) {
        const telegramId = Number(row.telegram_id);
        try {
          openToken(telegramId, row.token_sealed);
        } catch (error) {
          if (!(error instanceof CredentialsDamagedError)) throw error;
          damaged.push(telegramId);
        }
      }
      return damaged;
    },

    async rotateKeys() {
      const { rows: operatorRows } = await pool.query<{ telegram_id: string; token_sealed: string }>(
        `SELECT telegram_id::text AS telegram_id, token_sealed FROM operators
         WHERE token_sealed IS NOT NULL AND split_part(token_sealed, '.', 2) <> $1`,
        [ring.currentId],
      );
      let operators = 0;
      for (const row of operatorRows) {
        const telegramId = Number(row.telegram_id);
        const resealed = ring.seal(openToken(telegramId, row.token_sealed), tokenAad(telegramId));
        // Compare-and-set: a login on another replica meanwhile already wrote a current-key token.
        const updated = await writing("a re-encrypted token", () =>
          pool.query("UPDATE operators SET token_sealed = $2 WHERE telegram_id = $1 AND token_sealed = $3", [
            telegramId,
            resealed,
            row.token_sealed,
          ]),
        );
        operators += updated.rowCount ?? 0;
      }
      const { rows: conversationRows } = await pool.query<{ key: string; sealed: string }>(
        "SELECT key, sealed FROM conversations WHERE split_part(sealed, '.', 2) <> $1",
        [ring.currentId],
      );
      let conversations = 0;
      for (const row of conversationRows) {
        const state = openConversation(row.key, row.sealed);
        if (!state) continue;
        const resealed = ring.seal(JSON.stringify(state), conversationAad(row.key));
        const updated = await writing("a re-encrypted flow", () =>
          pool.query("UPDATE conversations SET sealed = $2 WHERE key = $1 AND sealed = $3", [
            row.key,
            resealed,
            row.sealed,
          ]),
        );
        conversations += updated.rowCount ?? 0;
      }
      return { operators, conversations };
    },

    ...createPostgresAlertStore({ pool, now, writing }),

    conversationStorage: {
      async read(key) {
        const { rows } = await pool.query<{ sealed: string }>(
          "SELECT sealed FROM conversations WHERE key = $1",
          [key],
        );
        const row = rows[0];
        if (!row) return undefined;
        // A damaged flow reads as none; it stays until takeDamaged removes and reports it.
        return openConversation(key, row.sealed);
      },
      async write(key, state) {
        const sealed = ring.seal(JSON.stringify(state), conversationAad(key));
        await writing("the flow's state", () =>
          pool.query(
            `INSERT INTO conversations (key, sealed, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at`,
            [key, sealed, now()],
          ),
        );
      },
      async delete(key) {
        await writing("the end of a flow", () =>
          pool.query("DELETE FROM conversations WHERE key = $1", [key]),
        );
      },
    },

    conversations: {
      async listExpired(olderThanMs = conversationTtlMs) {
        const { rows } = await pool.query<{ key: string }>(
          "SELECT key FROM conversations WHERE updated_at < $1 ORDER BY key",
          [new Date(now().getTime() - olderThanMs)],
        );
        return rows.map((row) => row.key);
      },
      async expire(olderThanMs = conversationTtlMs) {
        // One statement: a flow written meanwhile (by any replica) is newer than the cutoff and stays.
        const { rows } = await writing("the expiry of flows", () =>
          pool.query<{ key: string }>("DELETE FROM conversations WHERE updated_at < $1 RETURNING key", [
            new Date(now().getTime() - olderThanMs),
          ]),
        );
        return rows.map((row) => row.key).sort();
      },
      takeDamaged: takeDamagedConversations,
    },

    async flush() {
      // Nothing is buffered: every write was committed before its promise resolved.
    },

    async close() {
      if (!pool.ended) await pool.end();
    },
  };
  return store;
}

/**
 * Refuses to start when a stored secret was sealed with a key that is not configured (a wrong CREDENTIALS_KEY),
 * like the lowdb backend, instead of failing at each operator's first use.
 */
async function checkKeysConfigured(pool: pg.Pool, ring: KeyRing): Promise<void> {
  const { rows } = await pool.query<{ key_id: string }>(
    `SELECT DISTINCT split_part(token_sealed, '.', 2) AS key_id FROM operators WHERE token_sealed IS NOT NULL
     UNION SELECT DISTINCT split_part(sealed, '.', 2) FROM conversations`,
  );
  for (const { key_id } of rows) {
    if (!ring.canOpen(key_id)) throw ring.mismatch(key_id);
  }
}
