import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../../src/config.js";
import { createDigestService, type DigestRunReport, type DigestService } from "../../src/digest/index.js";
import { createLogger } from "../../src/logger.js";
import { createDeps } from "../../src/startup.js";
import { createStore, type Store } from "../../src/store/index.js";
import { type ChildMessage, failInChild, serveParent } from "../support/child.js";

/**
 * The digest service in its own process, so its CPU is its own: the Bot API emulator and the premiumpay sandbox
 * stay in the parent. Its clock is the one the parent sets (`at`, ISO) with each request.
 */
interface SeedOperator {
  id: number;
  clientId: string;
  token: string;
  locale: "en" | "es";
}

const clock = { now: new Date() };
let store: Store;
let service: DigestService;
let dataDir: string;

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Runs `task` at the clock `message.at`, with the CPU and wall time it took. */
async function timed<T>(message: ChildMessage, task: () => Promise<T>) {
  clock.now = new Date(String(message.at));
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = await task();
  return { result, cpuMs: cpuMs(cpuBefore), wallMs: performance.now() - startedAt };
}

async function start(): Promise<void> {
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-bench-digest-"));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn" });
  const now = () => clock.now;
  store = await createStore({ dataDir, credentialsKey: config.credentialsKey, now });
  service = createDigestService({
    deps: createDeps(config, store, createLogger("warn", { write: () => undefined }), now),
  });
  serveParent({
    seed: async (message) => {
      const operators = message.operators as SeedOperator[];
      await Promise.all(
        operators.map(({ id, clientId, token, locale }) =>
          store.saveCredentials(id, { clientId, token }, { timezone: "UTC", digestTime: "09:00", locale }),
        ),
      );
      return { type: "seed", concurrency: config.digest.concurrency };
    },
    prefetch: async (message) => ({ type: "prefetch", ...(await timed(message, () => service.prefetch())) }),
    /** One scheduler turn, stopped (the queue stops cleanly) after `capSeconds`. */
    run: async (message) => {
      const capMs = Number(message.capSeconds) * 1000;
      const { result, ...usage } = await timed(message, async () => {
        const turnDone = service.runDue();
        let timer: NodeJS.Timeout | undefined;
        const capped = await Promise.race([
          turnDone.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), capMs);
          }),
        ]);
        clearTimeout(timer);
        if (capped) await service.stop();
        return { capped, turn: await turnDone };
      });
      return { type: "run", ...result, ...usage, deliveryStats: { ...service.deliveryStats } };
    },
    second: async (message) => {
      clock.now = new Date(String(message.at));
      const turn: DigestRunReport = await service.runDue();
      return { type: "second", turn };
    },
    stop: async (message) => {
      await service.stop();
      const date = String(message.date);
      const marked = (await store.listOperators())
        .filter((operator) => operator.digest.lastSentLocalDate === date)
        .map((operator) => operator.telegramId);
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
      process.send?.({ type: "stop", marked });
      process.disconnect?.();
      return undefined;
    },
  });
  process.send?.({ type: "ready" });
}

start().catch(failInChild);
