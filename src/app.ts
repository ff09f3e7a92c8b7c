import type { Bot } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import {
  type AlertService,
  alertSettingsOf,
  alertsPremiumpay,
  createAlertService,
  migrateLegacyAlertsFile,
} from "./alerts/index.js";
import { registerCommands } from "./bot/commands.js";
import type { BotContext, BotDeps } from "./bot/context.js";
import { type FlowExpiry, startFlowExpiry } from "./bot/flow-expiry.js";
import { createBot } from "./bot/index.js";
import { reportStorageDamage } from "./bot/notify.js";
import { actorCredentialsRefused } from "./bot/team-changes.js";
import { type BackgroundRunner, type ReplicaRole, runBackgroundWork } from "./cluster/background.js";
import { type ChatLocks, createChatLocks } from "./cluster/chat-locks.js";
import type { Config } from "./config.js";
import { serveControl } from "./control/server.js";
import { createDigestService, type DigestService } from "./digest/index.js";
import { digestNow } from "./digest/now.js";
import { createTeamGroupDelivery } from "./groups/index.js";
import type { Logger } from "./logger.js";
import { countDelivery, createMetrics, measureUpdates } from "./ops/metrics.js";
import { type OpsServer, startOpsServer } from "./ops/server.js";
import { connectToTelegram } from "./runtime/connect.js";
import { type Polling, startPolling } from "./runtime/polling.js";
import { traceApiCalls } from "./runtime/trace.js";
import { createDeps, openStore } from "./startup.js";
import type { Store } from "./store/index.js";
import { actingStore } from "./team/acting.js";
import { handleEachUpdateOnce } from "./webhook/once.js";
import { startWebhookServer, type WebhookServer } from "./webhook/server.js";

const ALLOWED_UPDATES: ReadonlyArray<Exclude<keyof Update, "update_id">> = [
  "message",
  "callback_query",
  "my_chat_member",
];

/** How long a shutdown waits for updates already being handled before it closes the store anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The runner's stop() resolves when it stops fetching, not when the updates it already fetched are done
 * (a flow mid-step would lose its saved state): wait for the sink to empty too.
 */
async function drain(polling: Polling, graceMs: number): Promise<void> {
  const { runner } = polling;
  await polling.stop();
  const deadline = Date.now() + graceMs;
  while (runner.size() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface App {
  bot: Bot<BotContext>;
  deps: BotDeps;
  /** The daily digest's scheduler and queue (tests drive it with `runDue` under a moved clock). */
  digest: DigestService;
  /** Sales alerts: the pollers, whose state is in the store (tests drive `pollAll`/`dispatch`). */
  alerts: { service: AlertService };
  flowExpiry: FlowExpiry;
  /** The webhook server's address (webhook mode; PORT=0 picks a free port). */
  webhookAddress?: { host: string; port: number };
  /**
   * Rejects when the bot can no longer take updates although nobody stopped it (polling ended by a 409 Conflict,
   * a revoked token, or retries running out). The entry point must then stop and exit non-zero.
   */
  failed: Promise<never>;
  /** "single" (lowdb), or "leader"/"standby" among PostgreSQL replicas: only one runs the background work. */
  role(): ReplicaRole;
  /** The /healthz, /readyz and /metrics server's base URL when OPS_ADDRESS is set. */
  opsUrl?: string;
  /** Stops taking updates, lets in-flight updates finish, flushes the store. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  now?: () => Date;
  botInfo?: UserFromGetMe;
  /**
   * Start the digest's once-a-minute schedule (default true). Tests that are not about the digest turn it off so a
   * digest falling due mid-test cannot land in their chats; they drive it with `app.digest` when they need it.
   */
  scheduleDigest?: boolean;
  /** Start polling premiumpay for sales alerts (default true); tests about alerts drive it themselves. */
  scheduleAlerts?: boolean;
  /** Close the given store on stop (the entry point opened it for the app). Default: only a store the app opened. */
  ownsStore?: boolean;
  /** An already open store (tests that restart the bot on the same data pass none and reopen the folder). */
  store?: Store;
}

/** Opens the store, builds the bot, registers its commands, and starts taking updates (polling or webhook). */
export async function startApp(config: Config, options: StartOptions): Promise<App> {
  const { logger } = options;
  const now = options.now ?? (() => new Date());
  const store = options.store ?? (await openStore(config, now, logger));
  if (!options.store) logger.info({ dataDir: config.dataDir }, `data folder opened: ${config.dataDir}`);
  if (config.credentialsKeyPrevious) {
    // Finish a key rotation at once, so CREDENTIALS_KEY_PREVIOUS can be removed after this start.
    const rotated = await store.rotateKeys();
    logger.info(rotated, "re-encrypted stored secrets with the current CREDENTIALS_KEY");
  }
  // Alert state kept in DATA_DIR/alerts.json by earlier releases moves into the store once.
  await migrateLegacyAlertsFile(config.dataDir, store, logger);
  const metrics = config.ops
    ? createMetrics({ deliveryQueueDepth: (): number => digest.queue.depth })
    : undefined;
  const onPremiumpayCall = metrics
    ? (endpoint: string, outcome: string, seconds: number) => {
        metrics.premiumpayRequests.inc({ endpoint, outcome });
        metrics.premiumpaySeconds.observe({ endpoint }, seconds);
      }
    : undefined;
  // The /alerts screen reads and writes the settings in the store, where the elected poller reads them; alerts
  // turned on here are polled at once when this process runs the pollers (the service of the current term).
  const deps = {
    ...createDeps(config, store, logger, now, undefined, onPremiumpayCall),
    alertSettings: alertSettingsOf(store, (userId) => alerts.turnedOn(userId)),
  };
  // Several replicas share PostgreSQL: one chat's updates are handled by one of them at a time.
  const chatLocks: ChatLocks | undefined =
    config.storage.kind === "postgres"
      ? createChatLocks({
          databaseUrl: config.storage.databaseUrl,
          onError: (error) => logger.warn({ err: error }, "chat lock connection problem"),
          ...(metrics ? { onLockWait: (seconds: number) => metrics.lockWaitSeconds.observe(seconds) } : {}),
        })
      : undefined;
  const bot = createBot(deps, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    ...(chatLocks ? { chatLock: (chatId, handle) => chatLocks.run(chatId, handle) } : {}),
    ...(metrics ? { measure: measureUpdates(metrics) } : {}),
  });
  bot.api.config.use(traceApiCalls(logger));
  if (!options.botInfo) await connectToTelegram(bot, config.telegramApiRoot, logger);
  await bot.init();
  await reportStorageDamage(deps, bot.api);
  await registerCommands(bot.api, deps.i18n, config.defaultLocale).catch((error: unknown) =>
    logger.warn({ err: error }, "could not register the command menu; continuing"),
  );

  // The digest, flow expiry (and polling among replicas) run on one process: this one, or the elected replica.
  // Teammates get their own digest and alerts, built with their owner's credentials (team/acting.ts).
  const backgroundDeps = { ...deps, store: actingStore(store) };
  const newDigest = () =>
    createDigestService({
      deps: backgroundDeps,
      onCredentialsRefused: (userId) => actorCredentialsRefused(deps, userId),
      ...(metrics ? { onDelivered: (result) => countDelivery(metrics, "digest", result) } : {}),
    });
  let digest = newDigest();
  // The alerts deliver through the digest's queue, so they are made (and remade) together with it.
  const createAlerts = () =>
    createAlertService({
      config,
      store: backgroundDeps.store,
      premiumpay: alertsPremiumpay(config),
      onCredentialsRefused: (userId) => actorCredentialsRefused(deps, userId),
      deliver: async (job) => {
        const result = await digest.queue.deliver(job);
        if (metrics) countDelivery(metrics, "alert", result);
        return result;
      },
      toTeamGroup: createTeamGroupDelivery({
        store,
        i18n: deps.i18n,
        defaultLocale: config.defaultLocale,
        logger,
        api: bot.api,
        deliver: (job) => digest.queue.deliver(job),
      }),
      now,
      logger,
      i18n: deps.i18n,
    });
  let alerts: AlertService = createAlerts();
  // `npm run digest -- --now` while the bot runs: the bot does it, as the only writer of the data folder. Open
  // before the bot says it started, so a command run right after reaches it.
  const control =
    config.storage.kind === "lowdb"
      ? await serveControl(
          config.dataDir,
          { "digest-now": ({ userId }) => digestNow(digest, store, userId) },
          logger,
        )
      : undefined;

  let polling: Polling | undefined;
  let webhook: WebhookServer | undefined;
  let rejectFailed: (error: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  // Handled by whoever awaits it (the entry point); unobserved in tests that stop the app themselves.
  failed.catch(() => undefined);
  // Telegram allows one poller: among PostgreSQL replicas only the leader polls (see the background work).
  const beginPolling = () => {
    polling = startPolling(bot, logger, ALLOWED_UPDATES);
    polling.stopped.catch(rejectFailed);
  };
  const pollsWhenElected = config.mode === "polling" && config.storage.kind === "postgres";
  const username = bot.botInfo.username;
  if (config.mode === "polling") {
    await bot.api.deleteWebhook();
    if (!pollsWhenElected) beginPolling();
    logger.info({ username, mode: "polling" }, `bot started: long polling as @${username}`);
  } else {
    webhook = await startWebhookServer({
      host: config.host,
      port: config.port,
      secret: config.webhookSecret,
      logger,
      handle: handleEachUpdateOnce(bot, store, logger),
    });
    await bot.api.setWebhook(config.webhookUrl, {
      secret_token: config.webhookSecret,
      allowed_updates: ALLOWED_UPDATES,
    });
    const { host, port } = webhook.address;
    logger.info(
      { username, mode: "webhook", url: config.webhookUrl, host, port },
      `bot started: webhook at ${config.webhookUrl} as @${username}, listening on ${host}:${port}`,
    );
  }

  let flowExpiry: FlowExpiry | undefined;
  let terms = 0;
  const background: BackgroundRunner = runBackgroundWork(
    config,
    {
      start() {
        // A stopped digest service does not start again: a replica elected a second time makes a new one.
        if (terms++ > 0) {
          digest = newDigest();
          alerts = createAlerts();
        }
        flowExpiry = startFlowExpiry(deps, bot.api);
        if (options.scheduleDigest ?? true) digest.start();
        if (options.scheduleAlerts ?? true) alerts.start();
        if (pollsWhenElected) beginPolling();
      },
      async stop() {
        flowExpiry?.stop();
        if (pollsWhenElected && polling) await drain(polling, SHUTDOWN_GRACE_MS);
        // Together: stopping the shared queue is what ends the alerts' deliveries still waiting in it.
        await Promise.all([alerts.stop(), digest.stop()]);
      },
    },
    logger,
    (role) => metrics?.leader.set(role === "standby" ? 0 : 1),
  );
  /** What a standby offers for `app.flowExpiry`: the leader sweeps. */
  const standbyExpiry: FlowExpiry = { sweep: async () => 0, stop: () => {} };

  let telegramSeen = 0;
  const ops: OpsServer | undefined =
    config.ops && metrics
      ? await startOpsServer({
          ...config.ops,
          registry: metrics.registry,
          role: () => background.role(),
          checks: {
            // A real read of one row, so a database that refuses queries is caught, not only a dead socket.
            store: async () => void (await store.getOperator(1)),
            // getMe at most every 10 s: probes every second must not spend the bot's Telegram quota.
            telegram: async () => {
              if (Date.now() - telegramSeen < 10_000) return;
              await bot.api.getMe();
              telegramSeen = Date.now();
            },
          },
        })
      : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await control?.close();
      if (polling) await drain(polling, SHUTDOWN_GRACE_MS);
      if (webhook) await webhook.close();
      await background.stop();
      await chatLocks?.close();
      await ops?.close();
      await store.flush();
      if (options.ownsStore ?? !options.store) await store.close();
      logger.info("bot stopped");
    })();
    return stopping;
  };

  return {
    bot,
    deps,
    get flowExpiry() {
      return flowExpiry ?? standbyExpiry;
    },
    get digest() {
      return digest;
    },
    get alerts() {
      return { service: alerts };
    },
    failed,
    role: () => background.role(),
    stop,
    ...(webhook ? { webhookAddress: webhook.address } : {}),
    ...(ops ? { opsUrl: ops.url } : {}),
  };
}
