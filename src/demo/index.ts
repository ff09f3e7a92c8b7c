/**
 * The offline demo: the premiumpay sandbox with seeded data, the Bot API emulator, the real bot pointed at both,
 * and a web chat page as the demo user. With a bot token, the bot talks to real Telegram instead (no emulator,
 * no page) and the sandbox stays its premiumpay.
 */
import { type App, startApp } from "../app.js";
import { loadConfig } from "../config.js";
import { createLogger, type Logger } from "../logger.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../sandbox/premiumpay/index.js";
import { type BotApiEmulator, type SimUser, startBotApiEmulator } from "../sandbox/telegram/index.js";
import {
  DEFAULT_DEMO_ALERTS_POLL_SECONDS,
  DEFAULT_DEMO_DATA_DIR,
  DEFAULT_DEMO_LOG_LEVEL,
  DEFAULT_DEMO_PORT,
  type DemoSettings,
  loadOrCreateDemoKey,
} from "./config.js";
import { type DemoWebServer, startDemoWebServer } from "./web-server.js";

/** The person chatting with the bot in the web page. */
export const DEMO_USER: SimUser = {
  id: 424_242,
  first_name: "Demo",
  last_name: "Operator",
  language_code: "en",
};
/** A second person the page can switch to, to show a teammate joining the operator's team by invitation. */
export const DEMO_TEAMMATE: SimUser = {
  id: 434_343,
  first_name: "Tess",
  last_name: "Teammate",
  language_code: "en",
};
/** Same seed, same demo client id and token on every run, so saved logins keep working. */
const SANDBOX_SEED = 1;

export interface DemoOptions extends Partial<DemoSettings> {
  /** Where the bot's log lines go; stdout by default. */
  logger?: Logger;
  /** New sales a minute for the demo account, so sales (and alerts) keep coming. Default 0: none. */
  salesPerMinute?: number;
}

export interface Demo {
  /** The web chat page; undefined when the bot is connected to real Telegram. */
  webUrl: string | undefined;
  premiumpayUrl: string;
  /** The sandbox account to log in with. */
  credentials: { clientId: string; token: string };
  botUsername: string;
  app: App;
  sandbox: PremiumpaySandbox;
  emulator: BotApiEmulator | undefined;
  /** Stops the page, the bot, the emulator and the sandbox, in that order. Safe to call more than once. */
  stop(): Promise<void>;
}

export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const dataDir = options.dataDir ?? DEFAULT_DEMO_DATA_DIR;
  const logLevel = options.logLevel ?? DEFAULT_DEMO_LOG_LEVEL;
  const logger = options.logger ?? createLogger(logLevel);
  const credentialsKey = await loadOrCreateDemoKey(dataDir);
  const started: { close(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of [...started].reverse()) await part.close();
  };

  try {
    const sandbox = await startPremiumpaySandbox({ seed: SANDBOX_SEED });
    started.push(sandbox);
    if (options.salesPerMinute)
      sandbox.generator.start({
        salesPerMinute: options.salesPerMinute,
        clientIds: [sandbox.demoClient.clientId],
      });
    const emulator =
      options.botToken === undefined
        ? await startBotApiEmulator({ botUsername: "premiumpay_demo_bot", botFirstName: "premiumpay bot" })
        : undefined;
    if (emulator) started.push(emulator);

    const config = loadConfig({
      BOT_TOKEN: options.botToken ?? emulator!.token,
      TELEGRAM_API_ROOT: emulator?.apiRoot ?? options.telegramApiRoot ?? "",
      PREMIUMPAY_API_URL: sandbox.url,
      DATA_DIR: dataDir,
      CREDENTIALS_KEY: credentialsKey,
      LOG_LEVEL: logLevel,
      BOT_MODE: "polling",
      DEFAULT_LOCALE: options.defaultLocale ?? "",
      DEFAULT_TIMEZONE: options.defaultTimezone ?? "",
      ALERTS_POLL_SECONDS: String(options.alertsPollSeconds ?? DEFAULT_DEMO_ALERTS_POLL_SECONDS),
    });
    const app = await startApp(config, { logger });
    started.push({ close: () => app.stop() });

    const { demoClient } = sandbox;
    const credentials = { clientId: demoClient.clientId, token: demoClient.token };
    let web: DemoWebServer | undefined;
    if (emulator) {
      web = await startDemoWebServer({
        emulator,
        user: DEMO_USER,
        teammate: DEMO_TEAMMATE,
        credentials,
        port: options.port ?? DEFAULT_DEMO_PORT,
      });
      started.push(web);
    }

    let stopping: Promise<void> | undefined;
    return {
      webUrl: web?.url,
      premiumpayUrl: sandbox.url,
      credentials,
      botUsername: app.bot.botInfo.username,
      app,
      sandbox,
      emulator,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
