import { type Config, ConfigError, loadConfig, loadDotEnv } from "./config.js";
import type { Deps } from "./deps.js";
import { createI18n } from "./i18n/index.js";
import type { Logger } from "./logger.js";
import { type CallObserver, createPremiumpayClient, type RetryOptions } from "./premiumpay/index.js";
import { CredentialsKeyError, createStore, type Store, StoreError } from "./store/index.js";
import { createPostgresStore } from "./store/postgres/store.js";

/** Problems an operator can fix (configuration, data file, key) are printed as one line, without a stack trace. */
export function exitWith(program: string, message: string): never {
  process.stderr.write(`${program}: ${message}\n`);
  process.exit(1);
}

/** `.env`, then the environment, parsed once; bad values end the process with one line per variable and a hint. */
export function loadConfigOrExit(program: string): Config {
  loadDotEnv();
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      const lines = error.message.split("\n").map((line) => `${program}: ${line}`);
      lines.push(
        `${program}: every variable is described, with its default, in .env.example; \`npm run demo\` tries the bot against local sandboxes with no configuration`,
      );
      process.stderr.write(`${lines.join("\n")}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export function openStore(config: Config, now: () => Date, logger: Logger): Promise<Store> {
  const keys = {
    credentialsKey: config.credentialsKey,
    previousCredentialsKey: config.credentialsKeyPrevious,
    conversationTtlMs: config.conversationTimeoutMs,
    now,
  };
  if (config.storage.kind === "postgres") {
    return createPostgresStore({ ...keys, url: config.storage.databaseUrl });
  }
  return createStore({ ...keys, dataDir: config.dataDir, logger });
}

/**
 * An unreadable data file, a wrong key or a data folder another process has open ends the process with one clear
 * line; the files are left untouched.
 */
export async function openStoreOrExit(
  program: string,
  config: Config,
  now: () => Date,
  logger: Logger,
): Promise<Store> {
  try {
    return await openStore(config, now, logger);
  } catch (error) {
    if (error instanceof StoreError || error instanceof CredentialsKeyError) exitWith(program, error.message);
    throw error;
  }
}

/**
 * The dependencies every entry point (bot, digest CLI, benchmarks, tests) builds the same way. `retry` changes the
 * premiumpay client's backoff (tests that inject faults turn retries off).
 */
export function createDeps(
  config: Config,
  store: Store,
  logger: Logger,
  now: () => Date,
  retry?: RetryOptions,
  onPremiumpayCall?: CallObserver,
): Deps {
  return {
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
        ...(retry ? { retry } : {}),
        logger,
        ...(onPremiumpayCall ? { onCall: onPremiumpayCall } : {}),
        ...credentials,
      }),
  };
}
