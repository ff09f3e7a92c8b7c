import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";
import { createTestDatabase, type PostgresServer, startPostgres } from "../support/postgres.js";

describe("operations endpoints (OPS_ADDRESS)", () => {
  let h: Harness;
  let database: PostgresServer;
  beforeAll(async () => {
    // A server of this file's own: the test stops it to see /readyz turn red.
    database = await startPostgres();
    h = await startHarness({
      env: { STORE: "postgres", DATABASE_URL: await database.createDatabase(), OPS_ADDRESS: "127.0.0.1:0" },
    });
  });
  afterAll(async () => {
    await h?.stop();
    await database?.destroy();
  });

  const get = (path: string) => fetch(`${h.app.opsUrl}${path}`);

  it("/healthz answers while the process lives", async () => {
    const response = await get("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("/metrics counts in Prometheus format, with the leader flag", async () => {
    await expect.poll(() => h.app.role(), { timeout: 10_000 }).toBe("leader");
    const op = h.operator();
    await op.login();
    const text = await (await get("/metrics")).text();
    expect(text).toContain("# TYPE bot_chat_lock_wait_seconds histogram");
    expect(text).toMatch(/^bot_chat_lock_wait_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^bot_leader 1$/m);
    expect(text).toContain("process_resident_memory_bytes");
  });

  it("/readyz reports the store, Telegram and the role, and turns 503 when the database is down", async () => {
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: "ready",
      role: "leader",
      checks: { store: "ok", telegram: "ok" },
    });
    const password = new URL(database.adminUrl).password;
    await database.stop();
    try {
      const down = await get("/readyz");
      expect(down.status).toBe(503);
      const body = (await down.json()) as { checks: { store: string; telegram: string } };
      expect(body.checks.store).toMatch(/^failing: /);
      expect(body.checks.telegram).toBe("ok");
      expect(JSON.stringify(body)).not.toContain(password);
    } finally {
      await database.start();
    }
    await expect.poll(async () => (await get("/readyz")).status, { timeout: 10_000 }).toBe(200);
  });

  it("refuses anything but GET, and is off by default", async () => {
    expect((await fetch(`${h.app.opsUrl}/metrics`, { method: "POST" })).status).toBe(405);
    expect((await get("/nothing-here")).status).toBe(404);
    const lowdb = await startHarness();
    try {
      expect(lowdb.app.opsUrl).toBeUndefined();
      expect(lowdb.app.role()).toBe("single");
    } finally {
      await lowdb.stop();
    }
  });
});

describe("one elected replica on PostgreSQL", () => {
  it("only the leader polls; when it stops, the standby takes over polling and serves the chat", async () => {
    const url = await createTestDatabase("polling");
    const first = await startHarness({ env: { STORE: "postgres", DATABASE_URL: url } });
    // A second replica of the same bot: same emulator, same sandbox, same database, same key.
    const second = await startHarness({
      env: {
        STORE: "postgres",
        DATABASE_URL: url,
        CREDENTIALS_KEY: first.config.credentialsKey.toString("hex"),
        TELEGRAM_API_ROOT: first.telegram.apiRoot,
        BOT_TOKEN: first.telegram.token,
        PREMIUMPAY_API_URL: first.premiumpay.url,
      },
    });
    try {
      const roles = () => [first.app.role(), second.app.role()].sort();
      await expect.poll(roles, { timeout: 10_000 }).toEqual(["leader", "standby"]);
      const leader = first.app.role() === "leader" ? first : second;
      const standby = leader === first ? second : first;
      const op = first.operator();
      await op.login();
      await leader.stopBot();
      await expect.poll(() => standby.app.role(), { timeout: 15_000 }).toBe("leader");
      await op.send("/account", /Client id/);
    } finally {
      await second.stop();
      await first.stop();
    }
  }, 60_000);
});
