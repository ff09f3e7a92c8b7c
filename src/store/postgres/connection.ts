import pg from "pg";
import { StoreError, StoreWriteError } from "../errors.js";

/** The database a URL names, for log lines and errors: host, port and database, never the user or password. */
export function databaseLocation(url: string): string {
  try {
    const parsed = new URL(url);
    return `postgres://${parsed.host}${parsed.pathname}`;
  } catch {
    return "postgres (DATABASE_URL is not a URL)";
  }
}

export interface PoolOptions {
  /** Connections kept open at most. */
  max?: number;
  /** Where an idle connection's error goes (the server restarted, the network dropped); the pool replaces it. */
  onError?: (error: Error) => void;
  applicationName?: string;
  /** Session settings for every connection, as `-c name=value ...`. */
  sessionOptions?: string;
}

/**
 * A pg pool that survives a PostgreSQL restart: a broken connection is dropped and the next query opens a new
 * one. Keepalives let both sides notice a peer that vanished without closing its socket.
 */
export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: options.applicationName ?? "premiumpay-bot",
    ...(options.sessionOptions ? { options: options.sessionOptions } : {}),
  });
  pool.on("error", (error) => options.onError?.(error));
  return pool;
}

/**
 * A connection of the pool for the caller's own use. pg gives a checked-out connection no 'error' listener, so the
 * server going away would be an uncaught exception; here it becomes the rejection of the query in progress.
 */
export async function checkOut(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  const ignore = () => {};
  client.on("error", ignore);
  const release = client.release.bind(client);
  client.release = (destroy?: boolean | Error) => {
    client.removeListener("error", ignore);
    release(destroy);
  };
  return client;
}

/** Runs `work` in one transaction on one connection; rolls back and rethrows when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await checkOut(pool);
  let broken = false;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    // A connection whose rollback failed is not given back to the pool: its state is unknown.
    client.release(broken);
  }
}

/** A failure to write is StoreWriteError (the change is not saved); a refused value stays a StoreError. */
export async function writing<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreWriteError(`could not save ${what} to PostgreSQL: ${(error as Error).message}`);
  }
}
