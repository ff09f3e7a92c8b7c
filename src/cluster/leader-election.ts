import pg from "pg";
import { LEADER_LOCK, lockSessionOptions } from "../store/postgres/advisory-locks.js";

export type Role = "leader" | "standby";

export interface LeaderElectionOptions {
  databaseUrl: string;
  /** Called when this replica becomes the leader: start the background work. */
  onElected: () => void | Promise<void>;
  /** Called when it stops being the leader (lost its connection, or stop()): stop the background work at once. */
  onDemoted: () => void | Promise<void>;
  /** How often a standby tries to take the lock. Default 2 s. */
  retryMs?: number;
  /** How often the leader checks that its lock connection is alive. Default 2 s. */
  checkMs?: number;
  onError?: (error: Error) => void;
}

export interface LeaderElection {
  readonly role: Role;
  /** Hands the lock over (another replica takes it within retryMs) after onDemoted has run. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Exactly one leader among the replicas: the one holding a PostgreSQL session-level advisory lock on a connection
 * of its own. When the leader dies its session ends and the lock is free at once (or within the keepalive window
 * when its host vanished); a standby takes it at its next try. A leader that cannot reach its lock connection
 * demotes itself before the server frees the lock, so two leaders never run at once.
 */
export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const retryMs = options.retryMs ?? 2_000;
  const checkMs = options.checkMs ?? 2_000;
  let role: Role = "standby";
  let stopped = false;
  let client: pg.Client | undefined;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    Promise.race([sleep(ms), new Promise<void>((resolve) => (wake = resolve))]).finally(() => {
      wake = undefined;
    });

  async function connect(): Promise<pg.Client> {
    const next = new pg.Client({
      connectionString: options.databaseUrl,
      keepAlive: true,
      application_name: "premiumpay-bot leader election",
      options: lockSessionOptions(),
      // A check that does not answer in time counts as a lost connection.
      query_timeout: Math.max(1_000, checkMs),
      connectionTimeoutMillis: 5_000,
    });
    next.on("error", (error) => options.onError?.(error));
    await next.connect();
    return next;
  }

  async function demote(): Promise<void> {
    if (role !== "leader") return;
    role = "standby";
    await options.onDemoted();
  }

  /** Ending a connection the server already cut can wait for an 'end' that never comes: bounded by `waitMs`. */
  async function drop(waitMs = 0): Promise<void> {
    const old = client;
    client = undefined;
    const ended = old?.end().catch(() => {});
    await Promise.race([ended, sleep(waitMs)]);
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        client ??= await connect();
        if (role === "standby") {
          const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS ok", [
            ...LEADER_LOCK,
          ]);
          if (rows[0]?.ok && !stopped) {
            role = "leader";
            await options.onElected();
          }
        } else {
          await client.query("SELECT 1");
        }
      } catch (error) {
        options.onError?.(error as Error);
        // Without its connection a leader may have lost the lock already: stop first, then try again.
        await demote();
        await drop();
      }
      if (!stopped) await pause(role === "leader" ? checkMs : retryMs);
    }
  }

  const running = loop();
  return {
    get role() {
      return role;
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
      await demote();
      // Ending the session frees the lock for the next leader.
      await drop(2_000);
    },
  };
}
