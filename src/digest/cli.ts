import { parseArgs } from "node:util";
import { createI18n } from "../bot/i18n.js";
import { ConfigError, loadConfig, loadDotEnv } from "../config.js";
import { createLogger } from "../logger.js";
import { createPremiumpayClient } from "../premiumpay/index.js";
import { CredentialsKeyError, createStore, StoreError } from "../store/index.js";
import { createDigestService } from "./index.js";

/**
 * `npm run digest -- --now [--user <telegram id>]`: builds and sends today's digest at once through the same
 * code as the scheduler (and marks the day sent), then exits. For cron-style deployments and for testing.
 * Run it while the bot is stopped, or with the bot's own scheduler in mind: both write the same data file.
 */
function exitWith(message: string): never {
  process.stderr.write(`premiumpay-digest: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { now: { type: "boolean" }, user: { type: "string" } } });
  if (!values.now) exitWith("usage: npm run digest -- --now [--user <telegram id>]");
  if (values.user !== undefined && !/^\d{1,16}$/.test(values.user))
    exitWith(`--user: "${values.user}" is not a Telegram user id`);
  loadDotEnv();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) exitWith(error.message);
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const now = () => new Date();
  let store: Awaited<ReturnType<typeof createStore>>;
  try {
    store = await createStore({
      dataDir: config.dataDir,
      credentialsKey: config.credentialsKey,
      previousCredentialsKey: config.credentialsKeyPrevious,
      now,
    });
  } catch (error) {
    if (error instanceof StoreError || error instanceof CredentialsKeyError) exitWith(error.message);
    throw error;
  }
  const service = createDigestService({
    deps: {
      config,
      store,
      logger,
      now,
      i18n: createI18n(config.defaultLocale),
      premiumpay: (credentials) =>
        createPremiumpayClient({
          baseUrl: config.premiumpay.baseUrl,
          timeoutMs: config.premiumpay.timeoutMs,
          paths: config.premiumpay.paths,
          ...credentials,
        }),
    },
  });
  const userId = values.user === undefined ? undefined : Number(values.user);
  if (userId !== undefined && !store.getOperator(userId)?.hasCredentials)
    exitWith(`user ${userId} is not logged in`);
  const report = await service.runNow(userId === undefined ? {} : { userId });
  await service.stop();
  await store.flush();
  await store.close();
  process.stdout.write(`${JSON.stringify({ ...report, ...service.deliveryStats })}\n`);
  process.exitCode = report.failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  createLogger("error").fatal({ err: error }, "the digest could not run");
  process.exit(1);
});
