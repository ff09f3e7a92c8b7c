import type { Config } from "./config.js";
import type { Translations } from "./i18n/index.js";
import type { Logger } from "./logger.js";
import type { PremiumpayClient } from "./premiumpay/index.js";
import type { AlertSettings, Store } from "./store/index.js";

export interface PremiumpayCredentials {
  clientId: string;
  token: string;
}

/** Everything the bot and the digest need from the outside world; tests pass local servers and temp folders. */
export interface Deps {
  config: Config;
  store: Store;
  premiumpay: (credentials: PremiumpayCredentials) => PremiumpayClient;
  /** The clock. Inside conversations read it through `flowNow` (bot/screens/clock.ts), which replays it. */
  now: () => Date;
  logger: Logger;
  /** Loaded once at start (see i18n/index.ts); shared by the bot, the command menu and the digest. */
  i18n: Translations;
  /** Each operator's sales-alert settings (the alert state); absent where no alert service runs (CLIs, benches). */
  alertSettings?: AlertSettingsStore;
}

export interface AlertSettingsStore {
  settings(userId: number): Promise<AlertSettings>;
  setSettings(userId: number, settings: AlertSettings): Promise<void>;
  /** Tells the alert service that `userId` just turned alerts on, so their account is polled promptly. */
  turnedOn?(userId: number): Promise<void>;
}
