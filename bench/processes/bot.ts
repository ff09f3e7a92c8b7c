import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, startApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { openStore } from "../../src/startup.js";
import { failInChild, serveParent } from "../support/child.js";

/**
 * The real bot (startApp, long polling through the emulator) in its own process. argv[2] is JSON:
 * `{ operators: number[], account: { clientId, token } }`, operators stored as logged in before the bot starts,
 * with the digest off so its schedule does not add premiumpay traffic to the measurement. STORE=postgres with
 * DATABASE_URL in its environment puts it on PostgreSQL (several of them: replicas of one bot); BOT_MODE=webhook
 * makes it report its webhook port with "ready".
 */
const { operators, account } = JSON.parse(process.argv[2] ?? "{}") as {
  operators: number[];
  account: { clientId: string; token: string };
};

let warnings = 0;
let firstWarning: string | undefined;
const logger = createLogger("warn", {
  write: (line: string) => {
    warnings++;
    firstWarning ??= line.slice(0, 500);
  },
});

async function start(): Promise<{ app: App; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), "ppbot-bench-"));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "warn" });
  const store = await openStore(config, () => new Date(), logger);
  await Promise.all(
    operators.map(async (id) => {
      await store.saveCredentials(id, account, { timezone: "UTC", digestTime: "09:00", locale: "en" });
      await store.updateOperator(id, { digest: { enabled: false } });
    }),
  );
  const app = await startApp(config, { logger, store });
  return { app, dataDir };
}

function memory() {
  global.gc?.();
  const usage = process.memoryUsage();
  return { type: "memory", rss: usage.rss, heapUsed: usage.heapUsed, gcForced: global.gc !== undefined };
}

start().then(({ app, dataDir }) => {
  serveParent({
    cpu: async () => ({ type: "cpu", ...process.cpuUsage() }),
    memory: async () => memory(),
    stop: async () => {
      await app.stop();
      await app.deps.store.close();
      await rm(dataDir, { recursive: true, force: true });
      process.send?.({ type: "stop", warnings, firstWarning });
      process.disconnect?.();
      return undefined;
    },
  });
  process.send?.({ type: "ready", ...(app.webhookAddress ? { port: app.webhookAddress.port } : {}) });
}, failInChild);
