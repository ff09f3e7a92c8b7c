import { startApp } from "./app.js";
import { createLogger } from "./logger.js";
import { BotTokenRefusedError } from "./runtime/connect.js";
import { exitWith, loadConfigOrExit, openStoreOrExit } from "./startup.js";

const PROGRAM = "premiumpay-bot";

async function main(): Promise<void> {
  const config = loadConfigOrExit(PROGRAM);
  const logger = createLogger(config.logLevel);
  logger.info(
    { mode: config.mode, dataDir: config.dataDir },
    `configuration read (${config.mode === "polling" ? "long polling" : "webhook"} mode, data folder ${config.dataDir})`,
  );
  const now = () => new Date();
  const store = await openStoreOrExit(PROGRAM, config, now, logger);
  logger.info({ dataDir: config.dataDir }, `data folder opened: ${config.dataDir}`);

  // Until the app runs, a stray rejection is a failed start: flush what the store holds, then exit non-zero.
  let stopApp: () => Promise<void> = () => store.close();
  let ending = false;
  const end = (code: number) => {
    if (ending) return;
    ending = true;
    stopApp().then(
      () => process.exit(code),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // A live process that no longer serves is worse than a dead one a supervisor restarts.
  process.on("unhandledRejection", (reason) => {
    logger.fatal(
      { err: reason },
      "unhandled rejection: a bug; saving the data and exiting so a supervisor restarts the bot",
    );
    end(1);
  });
  process.once("SIGINT", () => {
    logger.info({ signal: "SIGINT" }, "shutting down");
    end(0);
  });
  process.once("SIGTERM", () => {
    logger.info({ signal: "SIGTERM" }, "shutting down");
    end(0);
  });

  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp(config, { logger, now, store, ownsStore: true });
  } catch (error) {
    await store.close().catch(() => undefined);
    if (error instanceof BotTokenRefusedError) exitWith(PROGRAM, error.message);
    throw error;
  }
  stopApp = () => app.stop();
  app.failed.catch((error: unknown) => {
    logger.fatal(error instanceof Error ? error.message : String(error));
    end(1);
  });
}

main().catch((error: unknown) => {
  const logger = createLogger("error");
  logger.fatal({ err: error }, "the bot could not start");
  process.exit(1);
});
