import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import {
  type AlertService,
  type AlertSettings,
  alertsPremiumpay,
  createAlertService,
  DEFAULT_ALERT_SETTINGS,
} from "../../src/alerts/index.js";
import { type Config, loadConfig } from "../../src/config.js";
import { createDigestApi, DeliveryQueue } from "../../src/delivery/queue.js";
import { createI18n } from "../../src/i18n/index.js";
import { createLogger } from "../../src/logger.js";
import type { NewSale, PremiumpaySandbox, SandboxSale } from "../../src/sandbox/premiumpay/index.js";
import { startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { createStore, type Store } from "../../src/store/index.js";
import { createPostgresStore } from "../../src/store/postgres/store.js";
import { childEnv } from "../support/child-bot.js";

/**
 * The alert service without the bot: the Bot API emulator, the premiumpay sandbox (real clock: sales are stamped
 * now), a store (alert state included) in a temp folder or a PostgreSQL database, and a service clock the test
 * can move ahead of real time.
 */
export interface AlertWorld {
  telegram: BotApiEmulator;
  premiumpay: PremiumpaySandbox;
  config: Config;
  /** Operators and the alert state. */
  store: Store;
  /** Another store on the same data, as another replica has it (PostgreSQL only: lowdb has one process). */
  openReplicaStore(): Promise<Store>;
  /**
   * Added to the real clock for the service (not for the sandbox's sale dates); `frozenAt`, when set, is the
   * service's now instead, for moments that must be exact.
   */
  clock: { offsetMs: number; frozenAt?: number };
  logs: string[];
  service: AlertService;
  addOperator(options: {
    id: number;
    account?: { clientId: string; token: string };
    timezone?: string;
    locale?: "en" | "es";
    settings?: Partial<AlertSettings>;
  }): Promise<void>;
  /** A sale in the account's channel (the first channel by default), stamped at the service's now unless `date` is given. */
  sale(clientId: string, sale?: Partial<NewSale>): SandboxSale;
  /**
   * A new account with `channels` channels (3) and an operator with alerts on, after the account's first poll
   * (which only marks what exists).
   */
  subscribe(
    options: Omit<Parameters<AlertWorld["addOperator"]>[0], "account"> & { channels?: number },
  ): Promise<{ clientId: string; token: string }>;
  /** Polls every account and delivers what is due; resolves once delivered. */
  cycle(): Promise<void>;
  /** Stops the service and the queue, reopens the store, and builds a new service (a restart, or a new leader). */
  restart(): Promise<void>;
  texts(chatId: number): string[];
  stop(): Promise<void>;
}

export interface AlertWorldOptions {
  env?: Record<string, string>;
  /** Keep everything in this PostgreSQL database instead of the data folder. */
  databaseUrl?: string;
}

export async function startAlertWorld(options: AlertWorldOptions = {}): Promise<AlertWorld> {
  const telegram = await startBotApiEmulator();
  const premiumpay = await startPremiumpaySandbox({ seed: 11 });
  const dataDir = await mkdtemp(join(tmpdir(), "ppbot-alerts-"));
  const config = loadConfig(
    childEnv({
      telegram,
      premiumpay,
      dataDir,
      credentialsKey: randomBytes(32).toString("hex"),
      extra: { ALERTS_GROUP_SECONDS: "0", ...options.env },
    }),
  );
  const clock: AlertWorld["clock"] = { offsetMs: 0 };
  const now = () => new Date(clock.frozenAt ?? Date.now() + clock.offsetMs);
  const logs: string[] = [];
  const logger = createLogger("info", { write: (line: string) => void logs.push(line) });
  const i18n = createI18n(config.defaultLocale);
  const { databaseUrl } = options;
  const replicas: Store[] = [];
  const openStore = () =>
    databaseUrl
      ? createPostgresStore({ url: databaseUrl, credentialsKey: config.credentialsKey, now, poolSize: 4 })
      : createStore({ dataDir, credentialsKey: config.credentialsKey, now });
  let queue: DeliveryQueue;

  async function build(world: Pick<AlertWorld, "store">) {
    queue = new DeliveryQueue(createDigestApi(config), { maxPerSecond: 30, logger });
    const service = createAlertService({
      config,
      store: world.store,
      premiumpay: alertsPremiumpay(config),
      deliver: (job) => queue.deliver(job),
      now,
      logger,
      i18n,
    });
    return { service };
  }

  const store = await openStore();
  const world: AlertWorld = {
    telegram,
    premiumpay,
    config,
    store,
    clock,
    logs,
    ...(await build({ store })),
    async openReplicaStore() {
      if (!databaseUrl) throw new Error("a second store on the same data needs PostgreSQL");
      const replica = await openStore();
      replicas.push(replica);
      return replica;
    },
    async addOperator({ id, account = premiumpay.demoClient, timezone = "Europe/Madrid", locale, settings }) {
      telegram.addUser({ id, first_name: `Operator ${id}`, language_code: locale ?? "en" });
      await world.store.saveCredentials(
        id,
        { clientId: account.clientId, token: account.token },
        { timezone, digestTime: "09:00", ...(locale ? { locale } : {}) },
      );
      await world.store.setAlertSettings(id, { ...DEFAULT_ALERT_SETTINGS, enabled: true, ...settings });
    },
    async subscribe({ channels = 3, ...operator }) {
      const account = premiumpay.addClient({ channels });
      await world.addOperator({ ...operator, account });
      await world.cycle();
      return account;
    },
    sale(clientId, sale = {}) {
      const channelId = sale.channelId ?? premiumpay.data(clientId).channels[0]!.id;
      return premiumpay.addSale(clientId, { date: now(), ...sale, channelId });
    },
    async cycle() {
      await world.service.pollAll();
      await world.service.dispatch();
    },
    async restart() {
      await Promise.all([world.service.stop(), queue.stop()]);
      await world.store.close();
      world.store = await openStore();
      Object.assign(world, await build(world));
    },
    texts: (chatId) =>
      telegram
        .chat(chatId)
        .botMessages()
        .map((message) => message.text),
    async stop() {
      await Promise.all([world.service.stop(), queue.stop()]);
      await Promise.all([world.store, ...replicas].map((opened) => opened.close()));
      await telegram.close();
      await premiumpay.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** A fresh account with `channels` channels, so the seeded sales of the standard ones stay out of the way. */
export function newAccount(world: AlertWorld, channels = 3): { clientId: string; token: string } {
  return world.premiumpay.addClient({ channels });
}

/** A world per test, stopped after it: `const started = useAlertWorld(); const w = await started();`. */
export function useAlertWorld(): (
  env?: Record<string, string>,
  options?: Omit<AlertWorldOptions, "env">,
) => Promise<AlertWorld> {
  let world: AlertWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });
  return async (env, options = {}) => {
    world = await startAlertWorld({ ...options, ...(env ? { env } : {}) });
    return world;
  };
}

/** How many sales one alert message covers, read from its first line. */
export function salesInMessage(text: string): number {
  const title = text.split("\n")[0] ?? "";
  if (/^💰 (New sale|Nueva venta) · /.test(title)) return 1;
  const count = /(\d+) (new sales|ventas nuevas)|: (\d+) (sales|ventas)|: 1 (sale|venta)/.exec(title);
  if (!count) return 0;
  return Number(count[1] ?? count[3] ?? 1);
}
