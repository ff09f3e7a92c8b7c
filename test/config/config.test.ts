import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const KEY = "ab".repeat(32);
const valid = {
  BOT_TOKEN: "123456:TEST_fake_token_for_config_checks",
  PREMIUMPAY_API_URL: "http://127.0.0.1:4010/",
  CREDENTIALS_KEY: KEY,
};

function errorFor(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(valid);
    expect(config.mode).toBe("polling");
    expect(config.telegramApiRoot).toBe("https://api.telegram.org");
    expect(config.premiumpay.baseUrl).toBe("http://127.0.0.1:4010");
    expect(config.premiumpay.timeoutMs).toBe(10_000);
    expect(config.premiumpay.paths.createPublicLink).toBe("/bots/channels/public-link");
    expect(config.dataDir).toBe("./data");
    expect(config.credentialsKey.length).toBe(32);
    expect(config.defaultLocale).toBe("en");
    expect(config.defaultTimezone).toBe("UTC");
    expect(config.digest).toEqual({
      defaultTime: "09:00",
      maxPerSecond: 25,
      catchUpHours: 6,
      concurrency: 8,
    });
    expect(config.allowedUserIds).toBeUndefined();
    expect(config.logLevel).toBe("info");
  });

  it("treats empty values as unset, as a copied .env.example leaves them", () => {
    const config = loadConfig({ ...valid, DEFAULT_TIMEZONE: "", PREMIUMPAY_PATHS: "", ALLOWED_USER_IDS: "" });
    expect(config.defaultTimezone).toBe("UTC");
    expect(config.allowedUserIds).toBeUndefined();
  });

  it.each([
    [{ BOT_TOKEN: undefined }, "BOT_TOKEN: is required"],
    [{ BOT_TOKEN: "not-a-token" }, "BOT_TOKEN: must look like"],
    [{ PREMIUMPAY_API_URL: undefined }, "PREMIUMPAY_API_URL: is required"],
    [{ PREMIUMPAY_API_URL: "nope" }, "PREMIUMPAY_API_URL:"],
    [{ CREDENTIALS_KEY: "abc" }, "CREDENTIALS_KEY: must be 64 hexadecimal characters"],
    [{ CREDENTIALS_KEY_PREVIOUS: "zz" }, "CREDENTIALS_KEY_PREVIOUS: must be 64 hexadecimal"],
    [{ PREMIUMPAY_TIMEOUT_MS: "fast" }, "PREMIUMPAY_TIMEOUT_MS:"],
    [{ PREMIUMPAY_TIMEOUT_MS: "5" }, "PREMIUMPAY_TIMEOUT_MS:"],
    [{ DEFAULT_LOCALE: "fr" }, "DEFAULT_LOCALE:"],
    [{ DEFAULT_TIMEZONE: "Mars/Olympus" }, "DEFAULT_TIMEZONE: must be an IANA time zone"],
    [{ DIGEST_DEFAULT_TIME: "25:00" }, "DIGEST_DEFAULT_TIME: must be HH:MM"],
    [{ ALLOWED_USER_IDS: "12,abc" }, 'ALLOWED_USER_IDS: "abc" is not a Telegram user id'],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL:"],
    [{ BOT_MODE: "carrier-pigeon" }, "BOT_MODE:"],
    [{ BOT_MODE: "webhook" }, "WEBHOOK_URL: is required when BOT_MODE=webhook"],
    [{ BOT_MODE: "webhook", WEBHOOK_URL: "http://example.com/hook" }, "WEBHOOK_URL: must be an https:// URL"],
    [{ BOT_MODE: "webhook", WEBHOOK_URL: "https://example.com/hook" }, "WEBHOOK_SECRET: is required"],
    [
      { BOT_MODE: "webhook", WEBHOOK_URL: "https://example.com/h", WEBHOOK_SECRET: "a b" },
      "WEBHOOK_SECRET: may contain",
    ],
    [{ PREMIUMPAY_PATHS: "{" }, "PREMIUMPAY_PATHS: must be JSON"],
    [{ PREMIUMPAY_PATHS: '{"channels":"no-slash"}' }, "PREMIUMPAY_PATHS: channels must be a path"],
    [{ PREMIUMPAY_PATHS: '{"chanels":"/x"}' }, "PREMIUMPAY_PATHS:"],
  ])("names the variable for %j", (override, expected) => {
    expect(errorFor({ ...valid, ...override })).toContain(expected);
  });

  it("never echoes a secret value in its message", () => {
    const message = errorFor({ ...valid, CREDENTIALS_KEY: "secret-key-material-not-hex" });
    expect(message).not.toContain("secret-key-material");
  });

  it("parses webhook mode into its own shape", () => {
    const config = loadConfig({
      ...valid,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.com/telegram",
      WEBHOOK_SECRET: "s3cr3t_-",
      PORT: "9000",
    });
    expect(config).toMatchObject({
      mode: "webhook",
      webhookUrl: "https://bot.example.com/telegram",
      port: 9000,
    });
  });

  it("overrides single endpoint paths and keeps the rest", () => {
    const config = loadConfig({ ...valid, PREMIUMPAY_PATHS: '{"channels":"/v2/bots/channels"}' });
    expect(config.premiumpay.paths.channels).toBe("/v2/bots/channels");
    expect(config.premiumpay.paths.status).toBe("/status");
  });

  it("parses the allow-list", () => {
    expect([...(loadConfig({ ...valid, ALLOWED_USER_IDS: " 1, 22 ,333" }).allowedUserIds ?? [])]).toEqual([
      1, 22, 333,
    ]);
  });
});

describe("STORE, DATABASE_URL and OPS_ADDRESS", () => {
  it("default to lowdb and no operations endpoint", () => {
    const config = loadConfig({ ...valid, STORE: "", DATABASE_URL: "", OPS_ADDRESS: "" });
    expect(config.storage).toEqual({ kind: "lowdb" });
    expect(config.ops).toBeUndefined();
  });

  it("STORE=postgres takes the database URL", () => {
    const url = "postgresql://bot:pw@db.internal:5432/bot";
    expect(loadConfig({ ...valid, STORE: "postgres", DATABASE_URL: url }).storage).toEqual({
      kind: "postgres",
      databaseUrl: url,
    });
  });

  it.each([
    [{ STORE: "mysql" }, "STORE:"],
    [{ STORE: "postgres" }, "DATABASE_URL: is required when STORE=postgres"],
    [{ STORE: "postgres", DATABASE_URL: "mysql://u:hunter2@h/db" }, "DATABASE_URL: must be a postgresql://"],
    [{ OPS_ADDRESS: "everywhere" }, "OPS_ADDRESS: must be PORT or HOST:PORT"],
    [{ OPS_ADDRESS: "0.0.0.0:70000" }, "OPS_ADDRESS:"],
  ])("names the variable for %j, never echoing a password", (override, expected) => {
    const message = errorFor({ ...valid, ...override });
    expect(message).toContain(expected);
    expect(message).not.toContain("hunter2");
  });

  it("OPS_ADDRESS is a port on 127.0.0.1, or a host and port", () => {
    expect(loadConfig({ ...valid, OPS_ADDRESS: "9464" }).ops).toEqual({ host: "127.0.0.1", port: 9464 });
    expect(loadConfig({ ...valid, OPS_ADDRESS: "0.0.0.0:9464" }).ops).toEqual({
      host: "0.0.0.0",
      port: 9464,
    });
    expect(loadConfig({ ...valid, OPS_ADDRESS: "[::1]:0" }).ops).toEqual({ host: "::1", port: 0 });
  });
});

describe("npm start with a bad variable", () => {
  it("exits 1 with one line naming the variable, then the hint to .env.example, and no stack trace", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { PATH: process.env.PATH, ...valid, DEFAULT_TIMEZONE: "Nowhere/Land" },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toEqual([
      "premiumpay-bot: DEFAULT_TIMEZONE: must be an IANA time zone such as Europe/Madrid",
      expect.stringMatching(
        /^premiumpay-bot: every variable is described, with its default, in \.env\.example; `npm run demo`/,
      ),
    ]);
  });
});
