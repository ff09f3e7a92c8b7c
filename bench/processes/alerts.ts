import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AlertService,
  alertsPremiumpay,
  createAlertService,
  DEFAULT_ALERT_SETTINGS,
} from "../../src/alerts/index.js";
import { loadConfig } from "../../src/config.js";
import { createDigestApi, DeliveryQueue } from "../../src/delivery/queue.js";
import { createI18n } from "../../src/i18n/index.js";
import { createLogger } from "../../src/logger.js";
import { createStore, type Store } from "../../src/store/index.js";
import { failInChild, serveParent } from "../support/child.js";

/**
 * The alert service in its own process (alerts part): store (alert state included), pollers and the delivery queue. It
 * reports, per sent message, the keys of the sales in it and when Telegram accepted it.
 */
interface SeedOperator {
  id: number;
  clientId: string;
  token: string;
}

let store: Store;
let service: AlertService;
let queue: DeliveryQueue;
let dataDir: string;
/** [userId, acceptedAt, ...saleKeys] per message. */
const delivered: (string | number)[][] = [];
let cpuAtStart: NodeJS.CpuUsage | undefined;
let pollsAtStart = 0;

async function start(): Promise<void> {
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-bench-alerts-"));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn" });
  const logger = createLogger("warn", { write: () => undefined });
  const now = () => new Date();
  store = await createStore({ dataDir, credentialsKey: config.credentialsKey, now });
  queue = new DeliveryQueue(createDigestApi(config), { maxPerSecond: 100, logger });
  service = createAlertService({
    config,
    store,
    premiumpay: alertsPremiumpay(config),
    deliver: (job) => queue.deliver(job),
    onDelivered: (userId, keys) => delivered.push([userId, Date.now(), ...keys]),
    now,
    logger,
    i18n: createI18n(config.defaultLocale),
  });
  serveParent({
    seed: async (message) => {
      const operators = message.operators as SeedOperator[];
      await Promise.all(
        operators.map(async ({ id, clientId, token }) => {
          await store.saveCredentials(id, { clientId, token }, { timezone: "UTC", digestTime: "09:00" });
          await store.setAlertSettings(id, { ...DEFAULT_ALERT_SETTINGS, enabled: true });
        }),
      );
      return { type: "seed" };
    },
    start: async () => {
      service.start();
      return { type: "start" };
    },
    /** From now on CPU and polls are counted (after every account's first poll). */
    measure: async () => {
      cpuAtStart = process.cpuUsage();
      pollsAtStart = service.stats.polls;
      return { type: "measure" };
    },
    report: async () => {
      const cpu = process.cpuUsage(cpuAtStart);
      const memory = process.memoryUsage();
      const firstPolled = [...service.pollers.values()].filter((poller) => poller.loaded).length;
      return {
        type: "report",
        cpuMs: (cpu.user + cpu.system) / 1000,
        polls: service.stats.polls - pollsAtStart,
        stats: { ...service.stats },
        pollers: service.pollers.size,
        firstPolled,
        rssMiB: memory.rss / 2 ** 20,
        heapUsedMiB: memory.heapUsed / 2 ** 20,
        delivered: delivered.splice(0),
      };
    },
    stop: async () => {
      await Promise.all([service.stop(), queue.stop()]);
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
      process.send?.({ type: "stop" });
      process.disconnect?.();
      return undefined;
    },
  });
  process.send?.({ type: "ready" });
}

start().catch(failInChild);
