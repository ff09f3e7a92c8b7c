import { randomBytes } from "node:crypto";
import { chmod, link, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

/** Where the demo keeps its operators, conversations and key: never the production `./data`. */
export const DEFAULT_DEMO_DATA_DIR = "./demo-data";
export const DEFAULT_DEMO_PORT = 8080;
// The demo prints its URL and credentials; routine log lines would bury them.
export const DEFAULT_DEMO_LOG_LEVEL = "warn";
export const DEMO_KEY_FILE = "credentials.key";
/**
 * The demo polls premiumpay for alerts every 15 s (the bot's default is 60 s), so a sale shows up within a minute
 * of logging in; well inside the sandbox account's rate limit.
 */
export const DEFAULT_DEMO_ALERTS_POLL_SECONDS = 15;

const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** What `npm run demo` reads from the environment; everything else has a demo default. */
export interface DemoSettings {
  dataDir: string;
  /** Port of the web chat page on 127.0.0.1. */
  port: number;
  /** Set: the bot talks to real Telegram with this token, and no emulator or web page is started. */
  botToken: string | undefined;
  telegramApiRoot: string | undefined;
  logLevel: string;
  defaultLocale: string | undefined;
  defaultTimezone: string | undefined;
  /** ALERTS_POLL_SECONDS for the demo's bot. */
  alertsPollSeconds: number;
}

const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const demoEnvSchema = z.object({
  DEMO_DATA_DIR: z.preprocess(blankToUndefined, z.string().default(DEFAULT_DEMO_DATA_DIR)),
  DEMO_PORT: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(0).max(65_535).default(DEFAULT_DEMO_PORT),
  ),
  BOT_TOKEN: z.preprocess(blankToUndefined, z.string().optional()),
  TELEGRAM_API_ROOT: z.preprocess(blankToUndefined, z.string().optional()),
  LOG_LEVEL: z.preprocess(blankToUndefined, z.string().default(DEFAULT_DEMO_LOG_LEVEL)),
  DEFAULT_LOCALE: z.preprocess(blankToUndefined, z.string().optional()),
  DEFAULT_TIMEZONE: z.preprocess(blankToUndefined, z.string().optional()),
  ALERTS_POLL_SECONDS: z.preprocess(
    blankToUndefined,
    z.coerce.number().int().min(1).max(3600).default(DEFAULT_DEMO_ALERTS_POLL_SECONDS),
  ),
});

export class DemoSettingsError extends Error {
  override name = "DemoSettingsError";
}

export function demoSettingsFrom(env: NodeJS.ProcessEnv): DemoSettings {
  const parsed = demoEnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DemoSettingsError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  return {
    dataDir: e.DEMO_DATA_DIR,
    port: e.DEMO_PORT,
    botToken: e.BOT_TOKEN,
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    logLevel: e.LOG_LEVEL,
    defaultLocale: e.DEFAULT_LOCALE,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    alertsPollSeconds: e.ALERTS_POLL_SECONDS,
  };
}

/**
 * The demo's CREDENTIALS_KEY: generated on the first run into the data folder (mode 0600) and reused after, so
 * the sandbox credentials an operator saved stay readable across demo runs.
 */
export async function loadOrCreateDemoKey(dataDir: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, DEMO_KEY_FILE);
  try {
    const existing = (await readFile(path, "utf8")).trim();
    if (!KEY_PATTERN.test(existing)) {
      throw new DemoSettingsError(`${path} does not hold a 64-hex-character key; delete it to get a new one`);
    }
    return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = randomBytes(32).toString("hex");
  // Written aside, then linked into place: link() fails if the key exists, so a concurrent first run never
  // replaces a key the other one already uses, and nobody ever reads a half-written file.
  const draft = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(draft, `${key}\n`, { mode: 0o600 });
  try {
    await chmod(draft, 0o600);
    await link(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateDemoKey(dataDir);
    throw error;
  } finally {
    await unlink(draft);
  }
  return key;
}
