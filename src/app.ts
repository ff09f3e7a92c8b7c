import { createServer, type Server } from "node:http";
import { type RunnerHandle, run } from "@grammyjs/runner";
import { type Bot, webhookCallback } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import {
  type AlertService,
  type AlertState,
  alertsPremiumpay,
  createAlertService,
  openFileAlertState,
} from "./alerts/index.js";
import { registerCommands } from "./bot/commands.js";
import type { BotContext, BotDeps } from "./bot/context.js";
import { type FlowExpiry, startFlowExpiry } from "./bot/flow-expiry.js";
import { createBot } from "./bot/index.js";
import type { Config } from "./config.js";
import { createDigestService, type DigestService } from "./digest/index.js";
import type { Logger } from "./logger.js";
import { createDeps, openStore } from "./startup.js";
import type { Store } from "./store/index.js";

/** How long a shutdown waits for updates already being handled before it closes the store anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * The runner's stop() resolves when it stops fetching, not when the updates it already fetched are done
 * (a flow mid-step would lose its saved state): wait for the sink to empty too.
 */
async function drain(runner: RunnerHandle, graceMs: number): Promise<void> {
  if (runner.isRunning()) await runner.stop();
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
  /** Sales alerts: the pollers and their durable state (tests drive `pollAll`/`dispatch` and set settings). */
  alerts: { service: AlertService; state: AlertState };
  flowExpiry: FlowExpiry;
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
  const store = options.store ?? (await openStore(config, now));
  if (config.credentialsKeyPrevious) {
    // Finish a key rotation at once, so CREDENTIALS_KEY_PREVIOUS can be removed after this start.
    const rotated = await store.rotateKeys();
    logger.info(rotated, "re-encrypted stored secrets with the current CREDENTIALS_KEY");
  }
  const deps = createDeps(config, store, logger, now);
  const bot = createBot(deps, options.botInfo ? { botInfo: options.botInfo } : {});
  await bot.init();
  await registerCommands(bot.api, deps.i18n, config.defaultLocale).catch((error: unknown) =>
    logger.warn({ err: error }, "could not register the command menu; continuing"),
  );

  let runner: RunnerHandle | undefined;
  let server: Server | undefined;
  if (config.mode === "polling") {
    await bot.api.deleteWebhook();
    runner = run(bot, {
      runner: { fetch: { allowed_updates: ["message", "callback_query", "my_chat_member"] } },
    });
    logger.info({ username: bot.botInfo.username }, "bot started (long polling)");
  } else {
    const handle = webhookCallback(bot, "http", { secretToken: config.webhookSecret });
    server = createServer((req, res) => {
      if (req.method !== "POST") {
        res.writeHead(405).end();
        return;
      }
      handle(req, res).catch((error: unknown) => {
        logger.error({ err: error }, "webhook request failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(config.port, resolve));
    await bot.api.setWebhook(config.webhookUrl, {
      secret_token: config.webhookSecret,
      allowed_updates: ["message", "callback_query", "my_chat_member"],
    });
    logger.info({ port: config.port }, "bot started (webhook)");
  }

  const flowExpiry = startFlowExpiry(deps, bot.api);

  const digest = createDigestService({ deps });
  if (options.scheduleDigest ?? true) digest.start();

  const alertState = await openFileAlertState(config.dataDir);
  const alerts = createAlertService({
    config,
    operators: store,
    premiumpay: alertsPremiumpay(config),
    state: alertState,
    deliver: (job) => digest.queue.deliver(job),
    now,
    logger,
    i18n: deps.i18n,
  });
  if (options.scheduleAlerts ?? true) alerts.start();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      flowExpiry.stop();
      if (runner) await drain(runner, SHUTDOWN_GRACE_MS);
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      // Together: stopping the shared queue is what ends the alerts' deliveries still waiting in it.
      await Promise.all([alerts.stop(), digest.stop()]);
      await alertState.close();
      await store.flush();
      if (options.ownsStore ?? !options.store) await store.close();
      logger.info("bot stopped");
    })();
    return stopping;
  };
  return { bot, deps, flowExpiry, digest, alerts: { service: alerts, state: alertState }, stop };
}
