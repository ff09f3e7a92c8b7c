import type { Config } from "../config.js";
import type { Logger } from "../logger.js";
import { startLeaderElection } from "./leader-election.js";

/** The work exactly one process must do: the digest, alerts polling, flow expiry. */
export interface BackgroundWork {
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export type ReplicaRole = "single" | "leader" | "standby";

export interface BackgroundRunner {
  role(): ReplicaRole;
  /** Stops the work if it runs here, and hands the leadership over. */
  stop(): Promise<void>;
}

/**
 * On lowdb there is one process (the single-writer lock keeps a second one out), so it does the work. On
 * PostgreSQL every replica competes for the leader lock and only the elected one does it; when it dies another
 * takes over within seconds.
 */
export function runBackgroundWork(
  config: Config,
  work: BackgroundWork,
  logger: Logger,
  onRoleChange?: (role: ReplicaRole) => void,
): BackgroundRunner {
  if (config.storage.kind === "lowdb") {
    void Promise.resolve(work.start()).catch((error: unknown) =>
      logger.error({ err: error }, "background work failed to start"),
    );
    onRoleChange?.("single");
    return { role: () => "single", stop: async () => void (await work.stop()) };
  }
  onRoleChange?.("standby");
  const election = startLeaderElection({
    databaseUrl: config.storage.databaseUrl,
    onElected: async () => {
      logger.info("elected leader: this replica runs the digest and the other background work");
      onRoleChange?.("leader");
      await work.start();
    },
    onDemoted: async () => {
      logger.warn("no longer the leader: background work stopped here");
      onRoleChange?.("standby");
      await work.stop();
    },
    onError: (error) => logger.warn({ err: error }, "leader election connection problem; retrying"),
  });
  return { role: () => election.role, stop: () => election.stop() };
}
