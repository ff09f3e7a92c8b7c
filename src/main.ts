import { startApp } from "./app.js";
import { ConfigError, loadConfig, loadDotEnv } from "./config.js";
import { createLogger } from "./logger.js";
import { CredentialsKeyError, StoreError } from "./store/index.js";

/** Problems an operator can fix (configuration, data file, key) are printed as one line, without a stack trace. */
function exitWith(message: string): never {
  process.stderr.write(`premiumpay-bot: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  loadDotEnv();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) exitWith(error.message);
    throw error;
  }
  const logger = createLogger(config.logLevel);
  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp(config, { logger });
  } catch (error) {
    if (error instanceof StoreError || error instanceof CredentialsKeyError) exitWith(error.message);
    throw error;
  }
  const shutdown = (signal: string) => {
    logger.info({ signal }, "shutting down");
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // A stray rejection is a bug to log, not a reason to drop every operator's in-flight work.
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  const logger = createLogger("error");
  logger.fatal({ err: error }, "the bot could not start");
  process.exit(1);
});
