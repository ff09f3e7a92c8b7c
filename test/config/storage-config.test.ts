import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const valid = {
  BOT_TOKEN: "123456:TEST_fake_token_for_config_checks",
  PREMIUMPAY_API_URL: "http://127.0.0.1:4010/",
  CREDENTIALS_KEY: "ab".repeat(32),
};

function messageOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

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
    const message = messageOf({ ...valid, ...override });
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
