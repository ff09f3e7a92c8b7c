import { Cron } from "croner";
import type { Api } from "grammy";
import { createLimiter, type Limiter } from "../delivery/limit.js";
import {
  createDigestApi,
  DeliveryQueue,
  type DeliveryResult,
  type DeliveryStats,
} from "../delivery/queue.js";
import { createTeamGroupDelivery } from "../groups/index.js";
import type { Operator } from "../store/index.js";
import { localDate } from "../time.js";
import { type BuiltDigest, buildDigest, type DigestDeps } from "./build.js";
import { weekChartPhoto } from "./chart.js";
import { ON_TIME_GRACE_MS, pendingDigestDate, upcomingDigest } from "./schedule.js";

export type { BuiltDigest, DigestDeps } from "./build.js";
export { buildDigest } from "./build.js";

export interface DigestServiceOptions {
  deps: DigestDeps;
  /** Defaults to a dedicated Api without auto-retry (see createDigestApi). */
  api?: Api;
  /** Each digest's delivery outcome, for the metrics. */
  onDelivered?: (result: DeliveryResult) => void;
  /** The credentials `userId` acts with were refused (or are unreadable): the team rule (src/app.ts passes it). */
  onCredentialsRefused?: (userId: number) => Promise<void>;
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
  /**
   * Sends what was missed while the bot was down (within the catch-up window), then every minute sends what is
   * due and builds ahead what falls due within PREFETCH_WINDOW_MS.
   */
  start(): void;
  /** Stops the schedule and the queue; waits for messages in flight and their stored dates. */
  stop(): Promise<void>;
  /** One scheduler turn at `deps.now()`: every operator whose digest is due and not yet sent. */
  runDue(): Promise<DigestRunReport>;
  /**
   * Builds, in memory, the digests due within PREFETCH_WINDOW_MS of `deps.now()` (the scheduler does this every
   * minute after runDue); resolves when they are built. Nothing is sent or stored.
   */
  prefetch(): Promise<DigestPrefetchReport>;
  /** Today's digest right now, due or not (one operator, or everyone with the digest on); marks the day sent. */
  runNow(options?: { userId?: number }): Promise<DigestRunReport>;
  readonly deliveryStats: DeliveryStats;
  /** The rate-limited delivery queue, shared with the sales alerts; stop() stops it. */
  readonly queue: DeliveryQueue;
}

/** What one prefetch turn did. */
export interface DigestPrefetchReport {
  /** Digests built ahead and kept in memory for their minute. */
  built: number;
  /** Not built (premiumpay down, credentials refused): built again when due. */
  notBuilt: number;
}

type Outcome = keyof DigestRunReport | "skipped";

/**
 * How long before its minute a digest is built. Yesterday's figures are final once the local day has begun, so a
 * digest due at 09:00 can be prepared from 08:45 and what goes out at 09:00 is only queued sends: at scale the
 * delivery runs at Telegram's pace, not at the pace of premiumpay and composition.
 */
export const PREFETCH_WINDOW_MS = 15 * 60_000;
/** A digest built longer ago than this is built again when due (the send was delayed far past its minute). */
export const PREFETCH_MAX_AGE_MS = PREFETCH_WINDOW_MS + ON_TIME_GRACE_MS;

/** A digest built ahead, in memory only: a restart loses it and the digest is built when due, as without it. */
interface Prefetched {
  date: string;
  /** The settings it was built with; any change (language, zone, time, channels, account) means a rebuild. */
  settings: string;
  startedAt: number;
  /** Undefined when premiumpay gave no digest (down, credentials refused): built again when due. */
  built: Promise<BuiltDigest | undefined>;
}

export function createDigestService(options: DigestServiceOptions): DigestService {
  const { deps, onDelivered } = options;
  const { store, config, logger } = deps;
  const api = options.api ?? createDigestApi(config);
  const queue = new DeliveryQueue(api, { maxPerSecond: config.digest.maxPerSecond, logger });
  const toTeamGroup = createTeamGroupDelivery({
    store,
    i18n: deps.i18n,
    defaultLocale: config.defaultLocale,
    logger,
    api,
    deliver: (job) => queue.deliver(job),
  });
  // Shared by every operator of every run, so a crowd of due digests never floods premiumpay.
  const premiumpayLimit = createLimiter(config.digest.concurrency);
  // Once stopped, calls still waiting for a slot are not made: stop() would otherwise wait until every digest
  // of a large turn had been built, only to send none of them.
  const limit: Limiter = (task) =>
    premiumpayLimit(() => (stopped ? Promise.reject(new Error("digest service stopped")) : task()));
  /** Operators whose digest is being built or queued: a later minute's turn must not start it again. */
  const inProgress = new Set<number>();
  const runs = new Set<Promise<DigestRunReport>>();
  const catchUpMs = config.digest.catchUpHours * 3_600_000;
  const prefetched = new Map<number, Prefetched>();
  // Whole builds ahead at a time: with the shared premiumpay limit, a due digest that was not built ahead still
  // gets premiumpay calls in between, instead of queueing behind every later operator's prefetch.
  const prefetchLimit = createLimiter(config.digest.concurrency);
  const prefetching = new Set<Promise<unknown>>();
  let cron: Cron | undefined;
  let stopped = false;

  const zoneOf = (timezone: string | undefined) => timezone ?? config.defaultTimezone;

  /**
   * Records the day as sent just before its first message goes out, and returns the mark it replaced. Marked
   * before, not after: a replica killed right after Telegram accepted the message must not leave the day
   * unmarked, or the next leader sends it again. What a kill can leave is one digest marked and not sent (the
   * few milliseconds between the mark and the send): missed rather than sent twice.
   */
  async function markSent(userId: number, date: string): Promise<string | null | undefined> {
    const operator = await store.getOperator(userId);
    // A logout during delivery deleted the operator; updating would create an empty record again.
    if (!operator) return undefined;
    await store.updateOperator(userId, { digest: { lastSentLocalDate: date } });
    return operator.digest.lastSentLocalDate;
  }

  /** Gives back the day of a digest that was marked but not delivered, so a later turn sends it. */
  async function unmark(userId: number, date: string, previous: string | null): Promise<void> {
    const operator = await store.getOperator(userId);
    if (operator?.digest.lastSentLocalDate !== date) return;
    await store.updateOperator(userId, { digest: { lastSentLocalDate: previous } });
  }

  function settingsOf(operator: Operator): string {
    const { locale, timezone, clientId, digest } = operator;
    return JSON.stringify([
      clientId,
      locale ?? config.defaultLocale,
      zoneOf(timezone),
      digest.time,
      digest.channelIds,
    ]);
  }

  /** The digest built ahead for this operator and date, if its settings are unchanged and it is recent. */
  async function takePrefetched(userId: number, date: string): Promise<BuiltDigest | undefined> {
    const entry = prefetched.get(userId);
    if (!entry) return undefined;
    prefetched.delete(userId);
    const fresh = deps.now().getTime() - entry.startedAt <= PREFETCH_MAX_AGE_MS;
    const operator = await store.getOperator(userId);
    if (!operator || entry.date !== date || entry.settings !== settingsOf(operator) || !fresh)
      return undefined;
    return entry.built;
  }

  async function send(userId: number, date: string, mark: boolean): Promise<Outcome> {
    let built: BuiltDigest;
    try {
      built = (await takePrefetched(userId, date)) ?? (await buildDigest(deps, userId, date, limit));
    } catch (error) {
      if (stopped) return "skipped";
      logger.error({ err: error, userId }, "digest could not be built");
      return "failed";
    }
    if (built.kind === "no-credentials") return "skipped";
    if (built.kind === "unavailable") {
      logger.warn({ userId, date }, "premiumpay unavailable for a digest; retrying on a later turn");
      return "failed";
    }
    if (stopped) return "skipped";
    if (built.kind === "login-again") await options.onCredentialsRefused?.(userId);
    // An expired login is marked too: the operator gets one "log in again" message a day, not one a minute.
    let previous: string | null | undefined;
    const result = await queue.deliver({
      chatId: userId,
      messages: built.messages,
      ...(mark
        ? {
            beforeFirstSend: async () => {
              previous = await markSent(userId, date);
            },
          }
        : {}),
    });
    onDelivered?.(result);
    if (result.status === "blocked") {
      if (await store.getOperator(userId)) await store.updateOperator(userId, { digest: { enabled: false } });
      logger.info({ userId }, "user blocked the bot; digest switched off");
      return "blocked";
    }
    if (result.status !== "sent") {
      if (previous !== undefined) await unmark(userId, date, previous);
      return result.status === "stopped" ? "skipped" : "failed";
    }
    if (built.kind === "digest") {
      await toTeamGroup(userId, "digest", built.messages);
      await sendWeekChart(userId, built);
    }
    return built.kind === "login-again" ? "loginAgain" : "sent";
  }

  /**
   * The opt-in chart, after the text was delivered and the day marked: a chart that cannot be drawn or sent is
   * logged and given up, never retried with the text.
   */
  async function sendWeekChart(userId: number, built: Extract<BuiltDigest, { kind: "digest" }>) {
    try {
      // Read now, not when the digest was built: a chart turned off while the text was going out is not sent.
      if (stopped || !(await store.getOperator(userId))?.digest.chart) return;
      const photo = await weekChartPhoto(built.chart, deps.i18n);
      const result = await queue.deliver({ chatId: userId, messages: [photo] });
      if (result.status === "failed") logger.warn({ userId, reason: result.reason }, "digest chart not sent");
    } catch (error) {
      logger.warn({ err: error, userId }, "digest chart not drawn");
    }
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

  async function prefetch(): Promise<DigestPrefetchReport> {
    const report: DigestPrefetchReport = { built: 0, notBuilt: 0 };
    if (stopped) return report;
    const now = deps.now();
    for (const [userId, entry] of prefetched)
      if (now.getTime() - entry.startedAt > PREFETCH_MAX_AGE_MS) prefetched.delete(userId);
    const targets = (await store.listOperators()).flatMap((operator) => {
      const userId = operator.telegramId;
      if (!operator.hasCredentials || !operator.digest.enabled || inProgress.has(userId)) return [];
      const upcoming = upcomingDigest(now, operator.digest, zoneOf(operator.timezone), PREFETCH_WINDOW_MS);
      if (!upcoming) return [];
      const settings = settingsOf(operator);
      const entry = prefetched.get(userId);
      if (entry?.date === upcoming.date && entry.settings === settings) return [];
      return [{ userId, date: upcoming.date, dueAt: upcoming.dueAt, settings }];
    });
    // Soonest first, so the digests due next are ready first.
    targets.sort((a, b) => a.dueAt - b.dueAt);
    const builds = targets.map(({ userId, date, settings }) => {
      const built = prefetchLimit(async () => {
        if (stopped) return undefined;
        const result = await buildDigest(deps, userId, date, limit);
        return result.kind === "digest" ? result : undefined;
      }).catch((error: unknown) => {
        if (!stopped)
          logger.warn({ err: error, userId }, "digest could not be built ahead; building it when due");
        return undefined;
      });
      prefetched.set(userId, { date, settings, startedAt: now.getTime(), built });
      return built.then((result) => {
        report[result ? "built" : "notBuilt"]++;
      });
    });
    const turn = Promise.all(builds).then(() => report);
    prefetching.add(turn);
    return turn.finally(() => prefetching.delete(turn));
  }

  async function runDue(): Promise<DigestRunReport> {
    const now = deps.now();
    const targets = (await store.listOperators()).flatMap((operator) => {
      if (!operator.hasCredentials || !operator.digest.enabled) return [];
      const date = pendingDigestDate(now, operator.digest, zoneOf(operator.timezone), catchUpMs);
      return date ? [{ userId: operator.telegramId, date }] : [];
    });
    return runFor(targets);
  }

  const turnLogged = () => {
    runDue().then(
      (report) => {
        if (report.sent + report.loginAgain + report.blocked + report.failed > 0)
          logger.info(report, "digest turn");
      },
      (error: unknown) => logger.error({ err: error }, "digest turn failed"),
    );
    prefetch().then(
      (report) => {
        if (report.built + report.notBuilt > 0) logger.debug(report, "digests built ahead");
      },
      (error: unknown) => logger.error({ err: error }, "digest prefetch failed"),
    );
  };

  return {
    deliveryStats: queue.stats,
    queue,
    start() {
      if (cron || stopped) return;
      turnLogged();
      cron = new Cron("* * * * *", turnLogged);
    },
    async stop() {
      stopped = true;
      cron?.stop();
      await queue.stop();
      // Stored dates of messages that were in flight land before the caller flushes the store.
      await Promise.all([...runs, ...prefetching]);
      prefetched.clear();
    },
    runDue,
    prefetch,
    async runNow({ userId } = {}) {
      const now = deps.now();
      const operators =
        userId === undefined
          ? (await store.listOperators()).filter(
              (operator) => operator.hasCredentials && operator.digest.enabled,
            )
          : [await store.getOperator(userId)].filter((operator) => operator?.hasCredentials === true);
      return runFor(
        operators.map((operator) => ({
          userId: operator!.telegramId,
          date: localDate(now, zoneOf(operator!.timezone)),
        })),
      );
    },
  };
}
