import { StoreWriteError } from "../store/errors.js";
import { CHAT_LOCK_CLASS, lockSessionOptions } from "../store/postgres/advisory-locks.js";
import { checkOut, createPool } from "../store/postgres/connection.js";

export interface ChatLocksOptions {
  databaseUrl: string;
  /** Connections for held chat locks: at most this many chats are handled at once by this replica. Default 20. */
  poolSize?: number;
  /** A chat lock not obtained in this time fails the update (Telegram delivers it again later). Default 30 s. */
  lockTimeoutMs?: number;
  onError?: (error: Error) => void;
  /** Time spent waiting for a chat's lock, for the metrics. */
  onLockWait?: (seconds: number) => void;
}

export interface ChatLocks {
  /** Runs `work` while holding the chat's lock across every replica; no chat (undefined): runs it at once. */
  run<T>(chatId: number | undefined, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * One chat's updates one at a time across replicas: grammY's sequentialize only orders updates within one
 * process. The lock is a PostgreSQL advisory lock held on a connection for as long as the update is handled; if
 * the replica dies, its session ends and the lock is free again. (That an update runs once at all is the
 * store's runOnce, keyed by the update id.)
 */
export function createChatLocks(options: ChatLocksOptions): ChatLocks {
  const pool = createPool(options.databaseUrl, {
    max: options.poolSize ?? 20,
    applicationName: "premiumpay-bot chat locks",
    sessionOptions: lockSessionOptions(options.lockTimeoutMs ?? 30_000),
    ...(options.onError ? { onError: options.onError } : {}),
  });

  return {
    async run(chatId, work) {
      if (chatId === undefined) return work();
      const key = [CHAT_LOCK_CLASS, chatId];
      // Without its lock the update is not handled: to the operator, like a change that could not be saved.
      const unavailable = (error: unknown) =>
        new StoreWriteError(`cannot take the chat lock in PostgreSQL: ${(error as Error).message}`);
      const client = await checkOut(pool).catch((error: unknown) => {
        throw unavailable(error);
      });
      // A connection whose lock or unlock failed may still hold the lock: closed, never reused (closing frees it).
      let broken = false;
      try {
        const waitStarted = performance.now();
        await client.query("SELECT pg_advisory_lock($1, hashint8($2))", key).catch((error: unknown) => {
          broken = true;
          throw unavailable(error);
        });
        options.onLockWait?.((performance.now() - waitStarted) / 1000);
        try {
          return await work();
        } finally {
          await client.query("SELECT pg_advisory_unlock($1, hashint8($2))", key).catch(() => {
            broken = true;
          });
        }
      } finally {
        client.release(broken);
      }
    },

    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
