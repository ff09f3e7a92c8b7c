import type pg from "pg";
import { createPool } from "../store/postgres/connection.js";
import { CHAT_LOCK_CLASS, lockSessionOptions, UPDATE_LOCK_CLASS } from "./locks.js";

export interface UpdateGateOptions {
  databaseUrl: string;
  /** Connections for held chat locks: at most this many chats are handled at once by this replica. Default 20. */
  poolSize?: number;
  /** A chat lock not obtained in this time fails the update (Telegram delivers it again later). Default 30 s. */
  lockTimeoutMs?: number;
  onError?: (error: Error) => void;
  /** Time spent waiting for a chat's lock, for the metrics. */
  onLockWait?: (seconds: number) => void;
}

export type GateOutcome = "handled" | "duplicate";

export interface UpdateGate {
  /**
   * Runs `handle` for this update while holding its chat's lock across every replica, unless the update was
   * already handled (by any replica): then it resolves "duplicate" without calling it. The update is marked
   * handled once `handle` resolved; when `handle` throws it is not, so a redelivery is handled again.
   */
  run(updateId: number, chatId: number | undefined, handle: () => Promise<void>): Promise<GateOutcome>;
  /** Forgets handled update ids older than `olderThanMs` (Telegram redelivers for at most a day). */
  prune(olderThanMs?: number): Promise<number>;
  close(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * One chat's updates one at a time across replicas, and each update once: grammY's sequentialize only orders
 * updates within one process. The lock is a PostgreSQL advisory lock held on a connection for as long as the
 * update is handled; if the replica dies, its session ends and the lock is free again.
 */
export function createUpdateGate(options: UpdateGateOptions): UpdateGate {
  const pool = createPool(options.databaseUrl, {
    max: options.poolSize ?? 20,
    applicationName: "premiumpay-bot chat locks",
    sessionOptions: lockSessionOptions(options.lockTimeoutMs ?? 30_000),
    ...(options.onError ? { onError: options.onError } : {}),
  });

  async function alreadyHandled(client: pg.PoolClient, updateId: number): Promise<boolean> {
    const { rowCount } = await client.query("SELECT 1 FROM handled_updates WHERE update_id = $1", [updateId]);
    return (rowCount ?? 0) > 0;
  }

  return {
    async run(updateId, chatId, handle) {
      const lockKey = chatId === undefined ? [UPDATE_LOCK_CLASS, updateId] : [CHAT_LOCK_CLASS, chatId];
      const client = await pool.connect();
      let broken = false;
      try {
        const waitStarted = performance.now();
        await client.query("SELECT pg_advisory_lock($1, hashint8($2))", lockKey);
        options.onLockWait?.((performance.now() - waitStarted) / 1000);
        try {
          if (await alreadyHandled(client, updateId)) return "duplicate";
          await handle();
          await client.query("INSERT INTO handled_updates (update_id) VALUES ($1) ON CONFLICT DO NOTHING", [
            updateId,
          ]);
          return "handled";
        } finally {
          await client.query("SELECT pg_advisory_unlock($1, hashint8($2))", lockKey).catch(() => {
            broken = true;
          });
        }
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        // A connection that may still hold a lock is closed, never reused: closing it frees the lock.
        client.release(broken);
      }
    },

    async prune(olderThanMs = DAY_MS) {
      const { rowCount } = await pool.query(
        "DELETE FROM handled_updates WHERE handled_at < now() - $1 * interval '1 millisecond'",
        [olderThanMs],
      );
      return rowCount ?? 0;
    },

    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
