import { Cron } from "croner";
import type { Api } from "grammy";
import { localDate } from "../time.js";
import { type BuiltDigest, buildDigest, type DigestDeps } from "./build.js";
import { createDigestApi, DeliveryQueue, type DeliveryStats } from "./deliver.js";
import { createLimiter } from "./limit.js";
import { pendingDigestDate } from "./schedule.js";

export type { BuiltDigest, DigestDeps } from "./build.js";
export { buildDigest } from "./build.js";

export interface DigestServiceOptions {
  deps: DigestDeps;
  /** Defaults to a dedicated Api without auto-retry (see createDigestApi). */
  api?: Api;
}

/** What one run did, per operator. */
export interface DigestRunReport {
  sent: number;
  /** Credentials refused: the "log in again" message went out instead. */
  loginAgain: number;
  /** Blocked the bot: their digest is now off. */
  blocked: number;
  /** premiumpay or Telegram failed; the scheduler tries again on its next turn while the day is still open. */
  failed: number;
}

export interface DigestService {
  /** Sends what was missed while the bot was down (within the catch-up window), then checks every minute. */
  start(): void;
  /** Stops the schedule and the queue; waits for messages in flight and their stored dates. */
  stop(): Promise<void>;
  /** One scheduler turn at `deps.now()`: every operator whose digest is due and not yet sent. */
  runDue(): Promise<DigestRunReport>;
  /** Today's digest right now, due or not (one operator, or everyone with the digest on); marks the day sent. */
  runNow(options?: { userId?: number }): Promise<DigestRunReport>;
  readonly deliveryStats: DeliveryStats;
}

type Outcome = keyof DigestRunReport | "skipped";

export function createDigestService(options: DigestServiceOptions): DigestService {
  const { deps } = options;
  const { store, config, logger } = deps;
  const queue = new DeliveryQueue(options.api ?? createDigestApi(config), {
    maxPerSecond: config.digest.maxPerSecond,
    logger,
  });
  // Shared by every operator of every run, so a crowd of due digests never floods premiumpay.
  const limit = createLimiter(config.digest.concurrency);
  /** Operators whose digest is being built or queued: a later minute's turn must not start it again. */
  const inProgress = new Set<number>();
  const runs = new Set<Promise<DigestRunReport>>();
  const catchUpMs = config.digest.catchUpHours * 3_600_000;
  let cron: Cron | undefined;
  let stopped = false;

  const zoneOf = (timezone: string | undefined) => timezone ?? config.defaultTimezone;

  async function markSent(userId: number, date: string): Promise<void> {
    // A logout during delivery deleted the operator; updating would create an empty record again.
    if (!store.getOperator(userId)) return;
    await store.updateOperator(userId, { digest: { lastSentLocalDate: date } });
  }

  async function send(userId: number, date: string, mark: boolean): Promise<Outcome> {
    let built: BuiltDigest;
    try {
      built = await buildDigest(deps, userId, date, limit);
    } catch (error) {
      logger.error({ err: error, userId }, "digest could not be built");
      return "failed";
    }
    if (built.kind === "no-credentials") return "skipped";
    if (built.kind === "unavailable") {
      logger.warn({ userId, date }, "premiumpay unavailable for a digest; retrying on a later turn");
      return "failed";
    }
    if (stopped) return "skipped";
    const result = await queue.deliver({ chatId: userId, messages: built.messages });
    if (result.status === "blocked") {
      if (store.getOperator(userId)) await store.updateOperator(userId, { digest: { enabled: false } });
      logger.info({ userId }, "user blocked the bot; digest switched off");
      return "blocked";
    }
    if (result.status !== "sent") return result.status === "stopped" ? "skipped" : "failed";
    // Right after the send, so neither a restart nor the next turn sends this day again. An expired login is
    // marked too: the operator gets one "log in again" message a day, not one a minute.
    if (mark) await markSent(userId, date);
    return built.kind === "login-again" ? "loginAgain" : "sent";
  }

  function runFor(targets: { userId: number; date: string }[]): Promise<DigestRunReport> {
    const report: DigestRunReport = { sent: 0, loginAgain: 0, blocked: 0, failed: 0 };
    const fresh = targets.filter((target) => !inProgress.has(target.userId));
    for (const { userId } of fresh) inProgress.add(userId);
    const run = Promise.all(
      fresh.map(async ({ userId, date }) => {
        try {
          const outcome = await send(userId, date, true);
          if (outcome !== "skipped") report[outcome]++;
        } catch (error) {
          report.failed++;
          logger.error({ err: error, userId }, "digest delivery failed");
        } finally {
          inProgress.delete(userId);
        }
      }),
    ).then(() => report);
    runs.add(run);
    return run.finally(() => runs.delete(run));
  }

  function runDue(): Promise<DigestRunReport> {
    const now = deps.now();
    const targets = store.listOperators().flatMap((operator) => {
      if (!operator.hasCredentials || !operator.digest.enabled) return [];
      const date = pendingDigestDate(now, operator.digest, zoneOf(operator.timezone), catchUpMs);
      return date ? [{ userId: operator.telegramId, date }] : [];
    });
    return runFor(targets);
  }

  const runDueLogged = () => {
    runDue().then(
      (report) => {
        if (report.sent + report.loginAgain + report.blocked + report.failed > 0)
          logger.info(report, "digest turn");
      },
      (error: unknown) => logger.error({ err: error }, "digest turn failed"),
    );
  };

  return {
    deliveryStats: queue.stats,
    start() {
      if (cron || stopped) return;
      runDueLogged();
      cron = new Cron("* * * * *", runDueLogged);
    },
    async stop() {
      stopped = true;
      cron?.stop();
      await queue.stop();
      // Stored dates of messages that were in flight land before the caller flushes the store.
      await Promise.all(runs);
    },
    runDue,
    runNow({ userId } = {}) {
      const now = deps.now();
      const operators =
        userId === undefined
          ? store.listOperators().filter((operator) => operator.hasCredentials && operator.digest.enabled)
          : [store.getOperator(userId)].filter((operator) => operator?.hasCredentials === true);
      return runFor(
        operators.map((operator) => ({
          userId: operator!.telegramId,
          date: localDate(now, zoneOf(operator!.timezone)),
        })),
      );
    },
  };
}
