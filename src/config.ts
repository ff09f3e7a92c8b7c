import { existsSync } from "node:fs";
import { z } from "zod";
import { type PremiumpayPaths, premiumpayPathsSchema } from "./premiumpay/endpoints.js";

/** Raised for a bad or missing environment variable; `main` prints its message as one line and exits. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const intFrom = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
const hexKey = z
  .string()
  .regex(
    /^[0-9a-fA-F]{64}$/,
    "must be 64 hexadecimal characters (32 bytes); generate one with: openssl rand -hex 32",
  );

const commonSchema = z.object({
  BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "must look like 123456:ABC... (from @BotFather)"),
  TELEGRAM_API_ROOT: z.preprocess(emptyToUndefined, z.url().default("https://api.telegram.org")),
  PREMIUMPAY_API_URL: z.url("must be the premiumpay API base URL, e.g. https://api.premiumpay.example"),
  PREMIUMPAY_TIMEOUT_MS: intFrom(10_000, 100, 120_000),
  PREMIUMPAY_PATHS: z.preprocess(emptyToUndefined, z.string().optional()),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./data")),
  CREDENTIALS_KEY: hexKey,
  CREDENTIALS_KEY_PREVIOUS: z.preprocess(emptyToUndefined, hexKey.optional()),
  DEFAULT_LOCALE: z.preprocess(emptyToUndefined, z.enum(["en", "es"]).default("en")),
  DEFAULT_TIMEZONE: z.preprocess(
    emptyToUndefined,
    z.string().refine(isIanaZone, "must be an IANA time zone such as Europe/Madrid").default("UTC"),
  ),
  DIGEST_DEFAULT_TIME: z.preprocess(
    emptyToUndefined,
    z.string().regex(hhmm, "must be HH:MM").default("09:00"),
  ),
  DIGEST_MAX_PER_SECOND: intFrom(25, 1, 10_000),
  DIGEST_CATCH_UP_HOURS: intFrom(6, 0, 48),
  DIGEST_CONCURRENCY: intFrom(8, 1, 256),
  CONVERSATION_TIMEOUT_MINUTES: intFrom(30, 1, 24 * 60),
  // Telegram's 50 MB for a bot's document by default; a local Bot API server accepts up to 2000 MB.
  EXPORT_MAX_KB: intFrom(50 * 1024, 1, 2000 * 1024),
  FLOOD_MAX_UPDATES: intFrom(40, 1, 100_000),
  FLOOD_WINDOW_SECONDS: intFrom(10, 1, 3600),
  FLOOD_CHAT_BACKLOG: intFrom(5, 1, 10_000),
  ALERTS_POLL_SECONDS: intFrom(60, 1, 3600),
  ALERTS_RATE_SHARE: z.preprocess(emptyToUndefined, z.coerce.number().gt(0).max(1).default(0.5)),
  ALERTS_OVERLAP_MINUTES: intFrom(10, 1, 24 * 60),
  ALERTS_GROUP_SECONDS: intFrom(5, 0, 600),
  ALERTS_CATCH_UP_HOURS: intFrom(24, 0, 72),
  ALERTS_OUTAGE_NOTICE_MINUTES: intFrom(60, 1, 24 * 60),
  ALERTS_CONCURRENCY: intFrom(16, 1, 1024),
  ALLOWED_USER_IDS: optionalString,
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
  BOT_MODE: z.preprocess(emptyToUndefined, z.enum(["polling", "webhook"]).default("polling")),
  WEBHOOK_URL: optionalString,
  WEBHOOK_SECRET: optionalString,
  // 0 picks a free port (tests); the address is in the "bot started" line.
  PORT: intFrom(8443, 0, 65_535),
  HOST: z.preprocess(emptyToUndefined, z.string().default("0.0.0.0")),
  STORE: z.preprocess(emptyToUndefined, z.enum(["lowdb", "postgres"]).default("lowdb")),
  DATABASE_URL: optionalString,
  OPS_ADDRESS: optionalString,
});

export type Locale = "en" | "es";

interface BaseConfig {
  botToken: string;
  telegramApiRoot: string;
  premiumpay: { baseUrl: string; timeoutMs: number; paths: PremiumpayPaths };
  dataDir: string;
  credentialsKey: Buffer;
  credentialsKeyPrevious: Buffer | undefined;
  defaultLocale: Locale;
  defaultTimezone: string;
  digest: { defaultTime: string; maxPerSecond: number; catchUpHours: number; concurrency: number };
  conversationTimeoutMs: number;
  /** The largest CSV export sent as one document; a larger one is explained instead. */
  exportMaxBytes: number;
  /** Updates one user may send per window, and one chat's updates waiting at once; the rest are dropped. */
  flood: { maxUpdates: number; windowMs: number; chatBacklog: number };
  alerts: AlertsConfig;
  allowedUserIds: ReadonlySet<number> | undefined;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** lowdb files in dataDir (one process), or PostgreSQL (any number of replicas). */
  storage: { kind: "lowdb" } | { kind: "postgres"; databaseUrl: string };
  /** Where /healthz, /readyz and /metrics listen; undefined: not served. */
  ops: { host: string; port: number } | undefined;
}

/** Sales alerts (src/alerts): how often and how gently each premiumpay account is polled. */
export interface AlertsConfig {
  pollMs: number;
  /** Share of each account's premiumpay rate limit the poller may use (the rest is the operator's). */
  rateShare: number;
  /** How far before the last watermark each poll looks again, for sales premiumpay shows late. */
  overlapMs: number;
  /** At most one alert message per operator within this time; sales in between become one message. */
  groupMs: number;
  /** Sales missed while the bot was down are summarised if they are at most this old. */
  catchUpMs: number;
  /** premiumpay unreachable for longer than this: one notice to the operators (and one on recovery). */
  outageNoticeMs: number;
  /** Accounts polled at the same time. */
  concurrency: number;
}

/** Polling needs nothing more; a webhook needs a public URL, a secret Telegram echoes back, and a port. */
export type Config =
  | (BaseConfig & { mode: "polling" })
  | (BaseConfig & { mode: "webhook"; webhookUrl: string; webhookSecret: string; host: string; port: number });

function fail(variable: string, problem: string): never {
  throw new ConfigError(`${variable}: ${problem}`);
}

function parsePaths(raw: string | undefined): PremiumpayPaths {
  if (raw === undefined) return premiumpayPathsSchema.parse({});
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    fail("PREMIUMPAY_PATHS", 'must be JSON, e.g. {"channels":"/v2/bots/channels"}');
  }
  const parsed = premiumpayPathsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail("PREMIUMPAY_PATHS", `${issue?.path.join(".") || "value"} ${issue?.message ?? "is invalid"}`);
  }
  return parsed.data;
}

function parseStorage(kind: "lowdb" | "postgres", url: string | undefined): BaseConfig["storage"] {
  if (kind === "lowdb") return { kind };
  if (!url) fail("DATABASE_URL", "is required when STORE=postgres");
  // Never echo the value: it carries the database password.
  if (!/^postgres(ql)?:\/\/[^/]/.test(url) || !URL.canParse(url))
    fail("DATABASE_URL", "must be a postgresql://user:password@host:port/database URL");
  return { kind, databaseUrl: url };
}

function parseOpsAddress(raw: string | undefined): BaseConfig["ops"] {
  if (raw === undefined) return undefined;
  const match = /^(?:(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  if (!match || port > 65_535) fail("OPS_ADDRESS", "must be PORT or HOST:PORT, e.g. 127.0.0.1:9464");
  return { host: match[1]?.replace(/^\[|\]$/g, "") ?? "127.0.0.1", port };
}

function parseAllowList(raw: string | undefined): ReadonlySet<number> | undefined {
  if (raw === undefined) return undefined;
  const ids = raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const numbers = ids.map((id) =>
    /^\d{1,16}$/.test(id) ? Number(id) : fail("ALLOWED_USER_IDS", `"${id}" is not a Telegram user id`),
  );
  return numbers.length > 0 ? new Set(numbers) : undefined;
}

type CommonEnv = z.infer<typeof commonSchema>;

/** Each variable on its own, so one run reports every problem rather than the first. */
function parseEachVariable(env: NodeJS.ProcessEnv, problems: string[]): CommonEnv {
  const values: Record<string, unknown> = {};
  for (const [variable, schema] of Object.entries(commonSchema.shape)) {
    const parsed = (schema as z.ZodType).safeParse(env[variable]);
    if (parsed.success) {
      values[variable] = parsed.data;
      continue;
    }
    const issue = parsed.error.issues[0]!;
    const missing = issue.code === "invalid_type" && env[variable] === undefined;
    problems.push(`${variable}: ${missing ? "is required" : issue.message}`);
  }
  return values as CommonEnv;
}

/** Runs a check that throws ConfigError, keeping its message with the others. */
function collect<T>(problems: string[], check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error.message);
    return undefined;
  }
}

function webhookSettings(e: CommonEnv): { webhookUrl: string; webhookSecret: string } {
  if (!e.WEBHOOK_URL) fail("WEBHOOK_URL", "is required when BOT_MODE=webhook");
  if (!z.url({ protocol: /^https$/ }).safeParse(e.WEBHOOK_URL).success)
    fail("WEBHOOK_URL", "must be an https:// URL");
  if (!e.WEBHOOK_SECRET) fail("WEBHOOK_SECRET", "is required when BOT_MODE=webhook");
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(e.WEBHOOK_SECRET)) {
    fail("WEBHOOK_SECRET", "may contain only A-Z, a-z, 0-9, _ and - (1 to 256 characters)");
  }
  return { webhookUrl: e.WEBHOOK_URL, webhookSecret: e.WEBHOOK_SECRET };
}

/**
 * Parses the environment once. Every problem is reported, all at once, one line each as `VARIABLE: what is
 * wrong`, never with a stack trace, and never echoing a secret's value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const e = parseEachVariable(env, problems);
  const paths = collect(problems, () => parsePaths(e.PREMIUMPAY_PATHS));
  const allowedUserIds = collect(problems, () => parseAllowList(e.ALLOWED_USER_IDS));
  const webhook = e.BOT_MODE === "webhook" ? collect(problems, () => webhookSettings(e)) : undefined;
  if (problems.length > 0 || !paths) throw new ConfigError(problems.join("\n"));
  const base: BaseConfig = {
    botToken: e.BOT_TOKEN,
    telegramApiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
    premiumpay: {
      baseUrl: e.PREMIUMPAY_API_URL.replace(/\/+$/, ""),
      timeoutMs: e.PREMIUMPAY_TIMEOUT_MS,
      paths,
    },
    dataDir: e.DATA_DIR,
    credentialsKey: Buffer.from(e.CREDENTIALS_KEY, "hex"),
    credentialsKeyPrevious: e.CREDENTIALS_KEY_PREVIOUS
      ? Buffer.from(e.CREDENTIALS_KEY_PREVIOUS, "hex")
      : undefined,
    defaultLocale: e.DEFAULT_LOCALE,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    digest: {
      defaultTime: e.DIGEST_DEFAULT_TIME,
      maxPerSecond: e.DIGEST_MAX_PER_SECOND,
      catchUpHours: e.DIGEST_CATCH_UP_HOURS,
      concurrency: e.DIGEST_CONCURRENCY,
    },
    conversationTimeoutMs: e.CONVERSATION_TIMEOUT_MINUTES * 60_000,
    exportMaxBytes: e.EXPORT_MAX_KB * 1024,
    flood: {
      maxUpdates: e.FLOOD_MAX_UPDATES,
      windowMs: e.FLOOD_WINDOW_SECONDS * 1000,
      chatBacklog: e.FLOOD_CHAT_BACKLOG,
    },
    alerts: {
      pollMs: e.ALERTS_POLL_SECONDS * 1000,
      rateShare: e.ALERTS_RATE_SHARE,
      overlapMs: e.ALERTS_OVERLAP_MINUTES * 60_000,
      groupMs: e.ALERTS_GROUP_SECONDS * 1000,
      catchUpMs: e.ALERTS_CATCH_UP_HOURS * 3_600_000,
      outageNoticeMs: e.ALERTS_OUTAGE_NOTICE_MINUTES * 60_000,
      concurrency: e.ALERTS_CONCURRENCY,
    },
    allowedUserIds,
    logLevel: e.LOG_LEVEL,
    storage: parseStorage(e.STORE, e.DATABASE_URL),
    ops: parseOpsAddress(e.OPS_ADDRESS),
  };
  if (!webhook) return { ...base, mode: "polling" };
  return { ...base, mode: "webhook", ...webhook, host: e.HOST, port: e.PORT };
}

/** Loads `.env` from the working directory when present; variables already set in the environment win. */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
