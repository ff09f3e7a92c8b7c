import type pg from "pg";
import { AUDIT_MAX_AGE_MS } from "../audit.js";
import { KeyRing } from "../crypto.js";
import { StoreError } from "../errors.js";
import type { Store, StoreKeyOptions } from "../types.js";
import { createActionTransfer, createPostgresConfirmedActions, dropOldActions } from "./actions.js";
import { createPostgresAlertStore } from "./alerts.js";
import { createPostgresAuditStore } from "./audit.js";
import { checkOut, createPool, databaseLocation } from "./connection.js";
import type { SealingContext } from "./context.js";
import { createPostgresConversations } from "./conversations.js";
import { checkKeysConfigured, createPostgresKeyRotation } from "./keys.js";
import { migrate } from "./migrate.js";
import { createOperatorTimes, createPostgresOperatorStore } from "./operators.js";
import { createPostgresTeamStore } from "./team.js";

export interface PostgresStoreOptions extends StoreKeyOptions {
  /** postgresql://user:password@host:port/database */
  url: string;
  /** Connections of the store's pool. Default 10. */
  poolSize?: number;
  /** Errors of idle connections (the server restarted); the pool reconnects by itself. */
  onConnectionError?: (error: Error) => void;
}

/**
 * Brings the schema up to date, checks the stored secrets' keys and drops what is past its retention. A failure
 * closes the pool and becomes a StoreError naming the database (never the URL's password).
 */
async function prepareDatabase(context: SealingContext, location: string): Promise<void> {
  const { pool, ring, now } = context;
  try {
    const client = await checkOut(pool);
    try {
      await migrate(client);
    } finally {
      client.release();
    }
    await checkKeysConfigured(pool, ring);
    await dropOldActions(context);
    await pool.query("DELETE FROM audit_log WHERE at < $1", [new Date(now().getTime() - AUDIT_MAX_AGE_MS)]);
  } catch (error) {
    await pool.end().catch(() => {});
    if (error instanceof StoreError) throw error;
    throw new StoreError(`cannot open ${location}: ${(error as Error).message}`);
  }
}

function lifecycleOf(pool: pg.Pool): Pick<Store, "flush" | "close"> {
  return {
    async flush() {
      // Nothing is buffered: every write was committed before its promise resolved.
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}

/**
 * The Store on PostgreSQL: every write is committed when its promise resolves. Secrets are sealed with the same
 * key ring, associated data and format as the lowdb backend, so rows move between the two as they are.
 */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const ring = new KeyRing(options.credentialsKey, options.previousCredentialsKey);
  const now = options.now ?? (() => new Date());
  const location = databaseLocation(options.url);
  const pool = createPool(options.url, {
    max: options.poolSize ?? 10,
    ...(options.onConnectionError ? { onError: options.onConnectionError } : {}),
  });
  const context: SealingContext = { pool, ring, now };
  await prepareDatabase(context, location);
  return {
    location,
    ...createPostgresOperatorStore(context),
    ...createPostgresConfirmedActions(context),
    ...createPostgresConversations(context, options.conversationTtlMs),
    ...createPostgresKeyRotation(context),
    ...createPostgresTeamStore(context),
    ...createPostgresAuditStore(context),
    ...createPostgresAlertStore(context),
    ...createActionTransfer(context),
    ...createOperatorTimes(context),
    ...lifecycleOf(pool),
  };
}
