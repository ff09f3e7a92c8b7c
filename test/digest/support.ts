import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig } from "../../src/config.js";
import { createDigestService, type DigestDeps, type DigestService } from "../../src/digest/index.js";
import { createLogger } from "../../src/logger.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { createDeps } from "../../src/startup.js";
import { createStore, type Store } from "../../src/store/index.js";

/** The digest without the bot: emulator, sandbox, a store in a temp folder and a clock the test moves. */
export interface DigestWorld {
  telegram: BotApiEmulator;
  premiumpay: PremiumpaySandbox;
  config: Config;
  store: Store;
  deps: DigestDeps;
  clock: { now: Date };
  logs: string[];
  service(): DigestService;
  /** A logged-in operator known to the emulator (as after /start). */
  addOperator(options: {
    id: number;
    account?: { clientId: string; token: string };
    timezone?: string;
    time?: string;
    locale?: "en" | "es";
  }): Promise<void>;
  reopenStore(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDigestWorld(options: {
  now: Date;
  env?: Record<string, string>;
}): Promise<DigestWorld> {
  const clock = { now: options.now };
  const now = () => clock.now;
  const telegram = await startBotApiEmulator();
  const premiumpay = await startPremiumpaySandbox({ seed: 7, now });
  const dataDir = await mkdtemp(join(tmpdir(), "ppbot-digest-"));
  const config = loadConfig({
    BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    PREMIUMPAY_API_URL: premiumpay.url,
    PREMIUMPAY_TIMEOUT_MS: "3000",
    CREDENTIALS_KEY: randomBytes(32).toString("hex"),
    DATA_DIR: dataDir,
    ...options.env,
  });
  const openStore = () => createStore({ dataDir, credentialsKey: config.credentialsKey, now });
  const logs: string[] = [];
  const logger = createLogger("info", { write: (line: string) => void logs.push(line) });
  const deps: DigestDeps = createDeps(config, await openStore(), logger, now, { retries: 0 });
  const services: DigestService[] = [];
  const world: DigestWorld = {
    telegram,
    premiumpay,
    config,
    get store() {
      return deps.store;
    },
    deps,
    clock,
    logs,
    service() {
      const service = createDigestService({ deps });
      services.push(service);
      return service;
    },
    async addOperator({
      id,
      account = premiumpay.demoClient,
      timezone = "Europe/Madrid",
      time = "09:00",
      locale,
    }) {
      telegram.addUser({ id, first_name: `Operator ${id}`, language_code: locale ?? "en" });
      await deps.store.saveCredentials(
        id,
        { clientId: account.clientId, token: account.token },
        { timezone, digestTime: time, ...(locale ? { locale } : {}) },
      );
    },
    async reopenStore() {
      await deps.store.close();
      deps.store = await openStore();
    },
    async stop() {
      await Promise.all(services.map((service) => service.stop()));
      await deps.store.close();
      await telegram.close();
      await premiumpay.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** Texts of the bot's messages in a chat (empty when the bot never wrote there). */
export function botTexts(world: DigestWorld, chatId: number): string[] {
  return world.telegram
    .chat(chatId)
    .botMessages()
    .map((message) => message.text);
}
