import { startApp } from "./app.js";
import { createLogger } from "./logger.js";
import { loadConfigOrExit, openStoreOrExit } from "./startup.js";

const PROGRAM = "premiumpay-bot";

async function main(): Promise<void> {
  const config = loadConfigOrExit(PROGRAM);
  const logger = createLogger(config.logLevel);
  const now = () => new Date();
  const store = await openStoreOrExit(PROGRAM, config, now, logger);
  const app = await startApp(config, { logger, now, store, ownsStore: true });
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
