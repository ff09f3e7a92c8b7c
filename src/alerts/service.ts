import { createHash } from "node:crypto";
import type { Config, Locale } from "../config.js";
import { createLimiter } from "../delivery/limit.js";
import type { DeliveryJob, DeliveryResult } from "../delivery/queue.js";
import type { TranslationVariables } from "../format/html.js";
import type { TeamGroupDelivery } from "../groups/index.js";
import { type Translations, translate } from "../i18n/index.js";
import type { Logger } from "../logger.js";
import type { PremiumpayClient } from "../premiumpay/index.js";
import {
  type AlertAccount,
  type AlertDelivery,
  type AlertOutbox,
  type AlertPoll,
  type AlertStore,
  type Credentials,
  deliveredFrom,
  emptyOutbox,
  type Operator,
  queuedInto,
  type Store,
} from "../store/index.js";
import { localTime } from "../time.js";
import { composeAlert } from "./compose.js";
import { AccountPoller, emptyAccount, type PollOutcome, tokenFingerprint } from "./poller.js";
import type { AlertBatch, AlertMode, AlertNotice, AlertSale, AlertSettings } from "./types.js";

export interface AlertServiceDeps {
  config: Config;
  /** Operators, their credentials, and the alert state (settings, watermarks, outboxes), shared by every replica. */
  store: Pick<Store, "listOperators" | "getOperator" | "getCredentials" | "getMember" | keyof AlertStore>;
  /** A client per account; the poller counts and paces its own requests, so it should not retry by itself. */
  premiumpay: (credentials: Credentials) => PremiumpayClient;
  /** The digest's rate-limited, 429-aware delivery queue (DeliveryQueue#deliver). */
  deliver: (job: DeliveryJob) => Promise<DeliveryResult>;
  now: () => Date;
  logger: Logger;
  i18n: Translations;
  /** Copies each sales message to the owner's team group, when it takes alerts (src/groups). */
  toTeamGroup?: TeamGroupDelivery;
  /** premiumpay refused the credentials `userId` acts with: the team rule (src/app.ts passes it). */
  onCredentialsRefused?: (userId: number) => Promise<void>;
  /** Told of every sales message Telegram accepted, with the keys of its sales (benchmarks measure latency). */
  onDelivered?: (userId: number, saleKeys: readonly string[]) => void;
}

export interface AlertStats {
  polls: number;
  deferred: number;
  failed: number;
  /** Alert messages Telegram accepted. */
  sent: number;
  /** Sales in those messages. */
  salesSent: number;
}

export interface AlertService {
  /** Reads operators and settings, then polls each account at its moment and sends what is due. */
  start(): void;
  /** Stops polling and sending; waits for what is in flight. Does not close the store. */
  stop(): Promise<void>;
  /** Reads operators, settings and credentials again (start() does it every REFRESH_MS). */
  refresh(): Promise<void>;
  /** Polls every account with subscribers now (as far as its budget allows); resolves once the sales are stored. */
  pollAll(): Promise<void>;
  /** Sends every batch due now; resolves when they are delivered and marked. */
  dispatch(): Promise<void>;
  /**
   * `userId` just turned alerts on: their account is polled at the next tick instead of at its moment in the
   * interval, so the first alert does not wait for a refresh and a whole interval. Reads only this operator, so
   * its cost does not grow with the subscribers. Nothing while not started.
   */
  turnedOn(userId: number): Promise<void>;
  /** The one poller of each account with subscribers. */
  readonly pollers: ReadonlyMap<string, AccountPoller>;
  readonly stats: AlertStats;
}

interface Subscriber {
  userId: number;
  clientId: string;
  token: string;
  /** Changes with every login (and other saves of the operator): a refused account is tried again after one. */
  loginStamp: string;
  locale: Locale;
  zone: string;
  settings: AlertSettings;
}

const REFRESH_MS = 10_000;
const TICK_MS = 250;
/** A failed delivery (Telegram down) is tried again after this long. */
const DELIVERY_RETRY_MS = 30_000;
/** Sent marks outlive every window a sale can be seen in again (catch-up day plus overlap). */
const SENT_MARK_MS = 26 * 3_600_000;

/** True when local `time` (HH:mm) of the operator's zone falls in their quiet hours; `from` > `to` crosses midnight. */
export function inQuietHours(quiet: AlertSettings["quietHours"], at: Date, zone: string): boolean {
  if (!quiet) return false;
  const time = localTime(at, zone);
  return quiet.from < quiet.to
    ? time >= quiet.from && time < quiet.to
    : time >= quiet.from || time < quiet.to;
}

/**
 * When the operator last turned alerts on, to the whole second (premiumpay stamps sales in whole seconds, so a
 * sale of that same second counts as after it); null for settings saved before it was recorded.
 */
function enabledFrom(settings: AlertSettings): number | null {
  return settings.enabledAt === undefined ? null : Math.floor(Date.parse(settings.enabledAt) / 1000) * 1000;
}

/** A stable moment within the interval for each account, from its client id. */
export function phaseOf(clientId: string, intervalMs: number): number {
  return Number.parseInt(createHash("sha256").update(clientId).digest("hex").slice(0, 8), 16) % intervalMs;
}

const modeOf = (entries: AlertOutbox["entries"]): AlertMode =>
  entries.some((entry) => entry.mode === "catch-up")
    ? "catch-up"
    : entries.some((entry) => entry.mode === "quiet")
      ? "quiet"
      : "live";

export function createAlertService(deps: AlertServiceDeps): AlertService {
  const { config, store, logger } = deps;
  const settings = config.alerts;
  const stats: AlertStats = { polls: 0, deferred: 0, failed: 0, sent: 0, salesSent: 0 };
  const limit = createLimiter(settings.concurrency);
  const pollers = new Map<string, AccountPoller>();
  const nextPollAt = new Map<string, number>();
  const polling = new Set<string>();
  const accounts = new Map<string, AlertAccount>();
  const outboxes = new Map<number, AlertOutbox>();
  /** Operators whose outbox has something to send. */
  const pending = new Set<number>();
  const delivering = new Map<number, Promise<void>>();
  const lastSentAt = new Map<number, number>();
  const retryAt = new Map<number, number>();
  const credentialCache = new Map<number, { updatedAt: string; credentials: Credentials | undefined }>();
  const clients = new Map<string, PremiumpayClient>();
  const running = new Set<Promise<unknown>>();
  let subscribers = new Map<number, Subscriber>();
  let byAccount = new Map<string, Subscriber[]>();
  let loaded: Promise<void> | undefined;
  /** False until the first refresh has read the subscribers: before it, every outbox would look orphaned. */
  let refreshed = false;
  /** Counts refreshes and turn-ons, so a refresh that read the store before a turn-on does not undo it. */
  let sequence = 0;
  /** Operators added by turnedOn, with the sequence number of the turn-on. */
  const joined = new Map<number, number>();
  let timers: NodeJS.Timeout[] = [];
  let stopped = false;

  const now = () => deps.now().getTime();
  const track = <T>(promise: Promise<T>): Promise<T> => {
    running.add(promise);
    return promise.finally(() => running.delete(promise));
  };

  function loadOutboxes(): Promise<void> {
    loaded ??= store.alertOutboxes().then((records) => {
      for (const record of records) {
        outboxes.set(record.telegramId, record);
        if (record.entries.length > 0 || record.notices.length > 0) pending.add(record.telegramId);
      }
    });
    return loaded;
  }

  async function credentialsOf(operator: Operator): Promise<Credentials | undefined> {
    const cached = credentialCache.get(operator.telegramId);
    if (cached?.updatedAt === operator.updatedAt) return cached.credentials;
    const credentials = await store.getCredentials(operator.telegramId);
    credentialCache.set(operator.telegramId, { updatedAt: operator.updatedAt, credentials });
    return credentials;
  }

  async function subscriberOf(
    operator: Operator | undefined,
    chosen: AlertSettings,
  ): Promise<Subscriber | undefined> {
    if (!operator?.hasCredentials || !operator.clientId) return undefined;
    const credentials = await credentialsOf(operator);
    if (!credentials) return undefined;
    return {
      userId: operator.telegramId,
      clientId: credentials.clientId,
      token: credentials.token,
      loginStamp: tokenFingerprint(`${credentials.token}\u0000${operator.updatedAt}`),
      locale: operator.locale ?? config.defaultLocale,
      zone: operator.timezone ?? config.defaultTimezone,
      settings: chosen,
    };
  }

  /** A poller for every account with subscribers (at the account's moment in the interval), none for the others. */
  function groupByAccount(): void {
    byAccount = new Map();
    for (const subscriber of subscribers.values()) {
      const list = byAccount.get(subscriber.clientId) ?? [];
      list.push(subscriber);
      byAccount.set(subscriber.clientId, list);
    }
    const at = now();
    for (const clientId of byAccount.keys()) {
      if (pollers.has(clientId)) continue;
      pollers.set(clientId, new AccountPoller({ clientId, config: settings, now: deps.now }));
      // Each account keeps its own moment in the interval, so requests are spread evenly instead of in waves.
      nextPollAt.set(clientId, at + phaseOf(clientId, settings.pollMs));
    }
    for (const clientId of pollers.keys()) {
      if (byAccount.has(clientId)) continue;
      pollers.delete(clientId);
      nextPollAt.delete(clientId);
    }
  }

  async function refresh(): Promise<void> {
    const startedAt = ++sequence;
    await loadOutboxes();
    const enabled = await store.alertSubscribers();
    const operators = new Map((await store.listOperators()).map((op) => [op.telegramId, op]));
    const next = new Map<number, Subscriber>();
    for (const { telegramId: userId, settings: chosen } of enabled) {
      const subscriber = await subscriberOf(operators.get(userId), chosen);
      if (subscriber) next.set(userId, subscriber);
    }
    for (const [userId, turnedOnAt] of joined) {
      const current = subscribers.get(userId);
      if (turnedOnAt > startedAt && current && !next.has(userId)) next.set(userId, current);
      else if (turnedOnAt < startedAt) joined.delete(userId);
    }
    subscribers = next;
    refreshed = true;
    groupByAccount();
  }

  function clientFor(clientId: string, token: string): PremiumpayClient {
    const key = `${clientId}\u0000${tokenFingerprint(token)}`;
    let client = clients.get(key);
    if (!client) {
      client = deps.premiumpay({ clientId, token });
      clients.set(key, client);
    }
    return client;
  }

  function outboxOf(userId: number): AlertOutbox {
    return outboxes.get(userId) ?? emptyOutbox(userId);
  }

  /**
   * What to queue for every subscriber the found sales (or the notice) concern; the outboxes in memory change the
   * way the store changes them (the same functions), once the store has the poll.
   */
  function intake(
    found: readonly AlertSale[],
    downSince: number | null,
    targets: readonly Subscriber[],
    notice: AlertNotice | undefined,
  ): AlertPoll["queued"] {
    const at = deps.now();
    const queued: AlertPoll["queued"] = [];
    for (const subscriber of targets) {
      const current = outboxOf(subscriber.userId);
      const { channelIds, minAmount, quietHours } = subscriber.settings;
      const waiting = new Set(current.entries.map((entry) => entry.sale.key));
      const since = enabledFrom(subscriber.settings);
      // Downtime is only what happened while this operator had alerts on: turned on since, it was not theirs.
      const mode: AlertMode =
        downSince !== null && (since === null || since <= downSince)
          ? "catch-up"
          : inQuietHours(quietHours, at, subscriber.zone)
            ? "quiet"
            : "live";
      const sales = found.filter(
        (sale) =>
          (since === null || Date.parse(sale.date) >= since) &&
          (channelIds === null || (sale.channelId !== null && channelIds.includes(sale.channelId))) &&
          sale.amount >= minAmount &&
          current.sent[sale.key] === undefined &&
          !waiting.has(sale.key),
      );
      if (sales.length === 0 && !notice) continue;
      queued.push({ telegramId: subscriber.userId, mode, sales, ...(notice ? { notice } : {}) });
    }
    return queued;
  }

  /**
   * The subscribers of one account with their settings as stored now: a change made on any replica applies from
   * this poll on, without waiting for the next refresh.
   */
  async function currentTargets(clientId: string): Promise<Subscriber[]> {
    const targets: Subscriber[] = [];
    for (const subscriber of byAccount.get(clientId) ?? []) {
      subscriber.settings = await store.alertSettings(subscriber.userId);
      if (subscriber.settings.enabled) targets.push(subscriber);
    }
    return targets;
  }

  async function pollAccount(clientId: string): Promise<void> {
    const poller = pollers.get(clientId);
    if (!byAccount.has(clientId) || !poller || polling.has(clientId)) return;
    polling.add(clientId);
    const scheduled = nextPollAt.get(clientId) ?? now();
    try {
      const targets = await currentTargets(clientId);
      const stored = accounts.get(clientId) ?? (await store.alertAccount(clientId)) ?? emptyAccount(clientId);
      // A token refused for one login is refused for every login holding it: trying those would only ask again.
      const refusedTokens = new Set(
        targets.flatMap((subscriber) =>
          subscriber.loginStamp === stored.refusedToken ? [subscriber.token] : [],
        ),
      );
      const usable = targets.find((subscriber) => !refusedTokens.has(subscriber.token));
      if (!usable) {
        // Every subscriber turned alerts off, or every one's credentials were refused: wait for a login.
        nextPollAt.set(clientId, now() + settings.pollMs);
        return;
      }
      const channels = targets.some((subscriber) => subscriber.settings.channelIds === null)
        ? null
        : new Set(targets.flatMap((subscriber) => subscriber.settings.channelIds ?? []));
      const turnedOnAt = targets.flatMap((subscriber) => enabledFrom(subscriber.settings) ?? []);
      const outcome = await poller.poll(
        clientFor(clientId, usable.token),
        stored,
        usable.loginStamp,
        channels,
        turnedOnAt.length > 0 ? Math.min(...turnedOnAt) : null,
      );
      await record(clientId, outcome, targets, usable);
      const at = now();
      if (outcome.kind === "deferred") {
        stats.deferred++;
        nextPollAt.set(clientId, Math.max(at + TICK_MS, poller.availableAt(at)));
      } else {
        // Keep the account's moment in the interval unless the poll ran late.
        nextPollAt.set(clientId, Math.max(scheduled + poller.nextDelayMs(), at + TICK_MS));
      }
    } catch (error) {
      logger.error({ err: error, clientId }, "alert poll failed");
      nextPollAt.set(clientId, now() + settings.pollMs);
    } finally {
      polling.delete(clientId);
    }
  }

  async function record(
    clientId: string,
    outcome: PollOutcome,
    targets: readonly Subscriber[],
    used: Subscriber,
  ): Promise<void> {
    if (outcome.kind === "deferred") return;
    stats.polls++;
    let queued: AlertPoll["queued"];
    if (outcome.kind === "polled") {
      queued = intake(outcome.found, outcome.downSince, targets, outcome.notice);
    } else if (outcome.kind === "refused") {
      stats.failed++;
      const refused = targets.filter((subscriber) => subscriber.token === used.token);
      queued = outcome.notice ? intake([], null, refused, outcome.notice) : [];
      logger.warn({ clientId }, "premiumpay refused the credentials; alerts paused until a new login");
    } else {
      stats.failed++;
      queued = intake([], null, targets, outcome.notice);
      logger.warn({ clientId, since: outcome.account.outage?.since }, "premiumpay unreachable for alerts");
    }
    const at = deps.now().toISOString();
    // The watermark moves only together with the sales it covers: a crash keeps both or neither.
    await store.recordAlertPoll({ account: outcome.account, at, queued });
    accounts.set(clientId, outcome.account);
    if (outcome.kind === "refused" && deps.onCredentialsRefused) {
      // After the poll is recorded, and not awaited: telling the team sends Telegram messages, which must neither
      // hold this account's poll nor, by failing, keep the refusal from being saved.
      void track(deps.onCredentialsRefused(used.userId)).catch((error: unknown) =>
        logger.error({ err: error, clientId }, "telling the team of refused credentials failed"),
      );
    }
    for (const entry of queued) {
      outboxes.set(entry.telegramId, queuedInto(outboxOf(entry.telegramId), entry, at));
      pending.add(entry.telegramId);
      deliverFor(entry.telegramId);
    }
  }

  /** The next batch for this operator, or undefined when nothing may be sent yet. */
  function nextBatch(subscriber: Subscriber, outbox: AlertOutbox, at: number): AlertBatch | undefined {
    // Quiet hours hold the notices too (premiumpay down, log in again): they come when the hours end.
    if (inQuietHours(subscriber.settings.quietHours, new Date(at), subscriber.zone)) return undefined;
    const notice = outbox.notices[0];
    if (notice) return { kind: "notice", notice };
    if (outbox.entries.length === 0) return undefined;
    if (at < (lastSentAt.get(subscriber.userId) ?? 0) + settings.groupMs) return undefined;
    const poller = pollers.get(subscriber.clientId);
    // "Today so far" needs the account's last day, read by its first poll since start.
    if (!poller?.loaded) return undefined;
    const channels = subscriber.settings.channelIds ? new Set(subscriber.settings.channelIds) : null;
    return {
      kind: "sales",
      mode: modeOf(outbox.entries),
      sales: outbox.entries
        .map((entry) => entry.sale)
        .sort((a, b) => Date.parse(a.date) - Date.parse(b.date)),
      today: poller.today(subscriber.zone, channels),
    };
  }

  function deliverFor(userId: number): void {
    if (stopped || !refreshed || delivering.has(userId)) return;
    const at = now();
    if ((retryAt.get(userId) ?? 0) > at) return;
    const subscriber = subscribers.get(userId);
    const outbox = outboxes.get(userId);
    if (!outbox) {
      pending.delete(userId);
      return;
    }
    if (!subscriber) {
      // Alerts turned off or logged out: what was waiting is not sent.
      if (outbox.entries.length > 0 || outbox.notices.length > 0) {
        outboxes.set(userId, { ...outbox, entries: [], notices: [] });
        void track(store.clearAlertOutbox(userId)).catch((error: unknown) =>
          logger.error({ err: error, userId }, "could not clear an alert outbox"),
        );
      }
      pending.delete(userId);
      return;
    }
    const batch = nextBatch(subscriber, outbox, at);
    if (!batch) {
      if (outbox.entries.length === 0 && outbox.notices.length === 0) pending.delete(userId);
      return;
    }
    const job = send(subscriber, batch).finally(() => delivering.delete(userId));
    delivering.set(userId, job);
    void track(job);
  }

  async function send(subscriber: Subscriber, batch: AlertBatch): Promise<void> {
    const { userId, locale, zone } = subscriber;
    const t = (key: string, variables?: TranslationVariables) => translate(deps.i18n, locale, key, variables);
    // Only the owner can log in again for a team's account: a teammate is told so.
    const forTeammate =
      batch.kind === "notice" &&
      batch.notice === "login-again" &&
      (await store.getMember(userId)) !== undefined;
    const message = forTeammate ? t("alerts-owner-login-again") : composeAlert(batch, { locale, zone, t });
    const result = await deps.deliver({ chatId: userId, messages: [message] });
    const at = now();
    if (result.status === "stopped") return;
    if (result.status === "failed") {
      retryAt.set(userId, at + DELIVERY_RETRY_MS);
      return;
    }
    const current = outboxOf(userId);
    if (result.status === "blocked") {
      logger.info({ userId }, "user blocked the bot; alerts switched off");
      outboxes.set(userId, { ...current, entries: [], notices: [] });
      subscribers.delete(userId);
      await store.clearAlertOutbox(userId, { switchOff: true });
      return;
    }
    stats.sent++;
    lastSentAt.set(userId, at);
    let delivery: AlertDelivery;
    if (batch.kind === "notice") {
      delivery = { notice: batch.notice };
    } else {
      stats.salesSent += batch.sales.length;
      delivery = { saleKeys: batch.sales.map((sale) => sale.key) };
      deps.onDelivered?.(userId, delivery.saleKeys);
    }
    const forgetBefore = new Date(at - SENT_MARK_MS);
    outboxes.set(userId, deliveredFrom(current, delivery, new Date(at).toISOString(), forgetBefore));
    // A crash between Telegram's answer and this write is the only way a sale can be alerted twice.
    await store.markAlertsSent(userId, delivery, new Date(at), forgetBefore);
    // After the owner's copy is marked: the group's is a copy, never a reason to send the owner's again.
    if (batch.kind === "sales") await deps.toTeamGroup?.(userId, "alerts", [message]);
  }

  function pollDue(): void {
    const at = now();
    for (const [clientId, due] of nextPollAt) {
      if (due > at || polling.has(clientId)) continue;
      // Marked at once, so the next ticks do not queue it again while the limiter holds it.
      polling.add(clientId);
      void track(
        limit(async () => {
          polling.delete(clientId);
          if (!stopped) await pollAccount(clientId);
        }),
      );
    }
  }

  function dispatchDue(): void {
    for (const userId of pending) deliverFor(userId);
  }

  return {
    pollers,
    stats,
    refresh,
    start() {
      if (timers.length > 0 || stopped) return;
      const refreshLogged = () =>
        void track(refresh()).catch((error: unknown) => logger.error({ err: error }, "alert refresh failed"));
      refreshLogged();
      timers = [
        setInterval(refreshLogged, REFRESH_MS),
        setInterval(() => {
          pollDue();
          dispatchDue();
        }, TICK_MS),
      ];
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      timers = [];
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    async pollAll() {
      await refresh();
      await Promise.all([...byAccount.keys()].map((clientId) => limit(() => pollAccount(clientId))));
    },
    async dispatch() {
      dispatchDue();
      await Promise.all([...delivering.values()]);
    },
    async turnedOn(userId) {
      if (stopped || timers.length === 0) return;
      // The settings screen waits for this: a failure here is the next refresh's to mend, not the screen's.
      let subscriber: Subscriber | undefined;
      try {
        const [chosen, operator] = await track(
          Promise.all([store.alertSettings(userId), store.getOperator(userId)]),
        );
        subscriber = chosen.enabled ? await track(subscriberOf(operator, chosen)) : undefined;
      } catch (error) {
        logger.error({ err: error, userId }, "reading an operator who turned alerts on failed");
        return;
      }
      if (!subscriber || stopped) return;
      joined.set(userId, ++sequence);
      subscribers.set(userId, subscriber);
      groupByAccount();
      if (!polling.has(subscriber.clientId)) nextPollAt.set(subscriber.clientId, now());
    },
  };
}
