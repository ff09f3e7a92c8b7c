/** `npm run demo`: the bot, offline, in a browser chat (or in real Telegram when BOT_TOKEN is set). */
import { resolve } from "node:path";
import { z } from "zod";
import { ConfigError } from "../config.js";
import { createLogger } from "../logger.js";
import { CredentialsKeyError, StoreError } from "../store/index.js";
import { DemoSettingsError, demoSettingsFrom } from "./config.js";
import { type Demo, startDemo } from "./index.js";

function exitWith(message: string): never {
  process.stderr.write(`premiumpay-bot demo: ${message}\n`);
  process.exit(1);
}

function banner(demo: Demo, dataDir: string): string {
  const where = demo.webUrl
    ? `Open ${demo.webUrl} and chat with the bot as a demo user.`
    : `The bot is connected to Telegram: open https://t.me/${demo.botUsername} and send /start.`;
  return [
    "",
    "premiumpay bot demo is running.",
    where,
    "",
    "Log in with /start and these sandbox premiumpay credentials:",
    `  client id: ${demo.credentials.clientId}`,
    `  token:     ${demo.credentials.token}`,
    "",
    `premiumpay sandbox: ${demo.premiumpayUrl}`,
    `demo data folder:   ${dataDir}`,
    "Press Ctrl+C to stop.",
    "",
  ].join("\n");
}

/** Said on Ctrl+C, so the operator knows the demo is gone and that its logins and settings are not. */
function farewell(dataDir: string): string {
  return [
    "premiumpay bot demo stopped.",
    `Its data (logins, settings, flows in progress and the encryption key) is kept in ${resolve(dataDir)}`,
    "for the next `npm run demo`; delete that folder to start afresh.",
    "",
  ].join("\n");
}

/** DEMO_SALES_PER_MINUTE: new sales a minute in the demo account (default 2; 0 turns them off). */
function demoSalesPerMinute(): number {
  const parsed = z.coerce
    .number()
    .min(0)
    .max(600)
    .default(2)
    .safeParse(process.env.DEMO_SALES_PER_MINUTE || undefined);
  if (!parsed.success) exitWith("DEMO_SALES_PER_MINUTE must be a number from 0 to 600");
  return parsed.data;
}

async function main(): Promise<void> {
  let settings: ReturnType<typeof demoSettingsFrom>;
  try {
    settings = demoSettingsFrom(process.env);
  } catch (error) {
    if (error instanceof DemoSettingsError) exitWith(error.message);
    throw error;
  }
  const logger = createLogger(settings.logLevel);
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled rejection"));
  // Listening before anything is printed: a Ctrl+C that follows the banner at once (or comes during start-up)
  // must stop the demo cleanly, not kill it with the signal's default action.
  let demo: Demo | undefined;
  let stopRequested = false;
  const shutdown = () => {
    stopRequested = true;
    if (!demo) return; // start-up finishes first, then stops
    process.stdout.write("\nStopping the demo...\n");
    demo.stop().then(
      () => {
        process.stdout.write(farewell(settings.dataDir));
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "demo shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  try {
    demo = await startDemo({ ...settings, logger, salesPerMinute: demoSalesPerMinute() });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StoreError || error instanceof CredentialsKeyError) {
      exitWith(error.message);
    }
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      exitWith(`port ${settings.port} is in use; choose another with DEMO_PORT=8081 npm run demo`);
    }
    throw error;
  }
  process.stdout.write(banner(demo, settings.dataDir));
  if (stopRequested) shutdown();
}

main().catch((error: unknown) => {
  createLogger("error").fatal({ err: error }, "the demo could not start");
  process.exit(1);
});
