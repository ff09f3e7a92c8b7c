import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { DEFAULT_ALERT_SETTINGS } from "../../src/alerts/index.js";
import { createTestDatabase } from "../support/postgres.js";
import { type AlertWorld, salesInMessage, useAlertWorld } from "./support.js";

/**
 * Two replicas on one PostgreSQL database: the world's service is the elected poller on its own store; the other
 * replica (a second store, its own connections) is where an operator's update happens to land.
 */
const started = useAlertWorld();
const onPostgres = async (env?: Record<string, string>) =>
  started(env, { databaseUrl: await createTestDatabase("alerts") });

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const salesTo = (w: AlertWorld, chatId: number) =>
  w.texts(chatId).reduce((sum, text) => sum + salesInMessage(text), 0);

describe("sales alerts with several replicas on PostgreSQL", () => {
  it("a setting changed on another replica applies from the elected poller's next poll", async () => {
    const w = await onPostgres({ ALERTS_POLL_SECONDS: "1" });
    // A limit that lets it poll every second: several polls fall before its next read of the subscribers.
    w.premiumpay.setRateLimit({ perMinute: 6000, enforce: false });
    const account = await w.subscribe({ id: 1201 });
    const standby = await w.openReplicaStore();
    // The running poller, as on the elected replica: it has read the subscribers (it does again every 10 s) and
    // polled once when the change is made.
    const before = w.service.stats.polls;
    w.service.start();
    await waitFor(() => w.service.stats.polls > before, "a poll of the running service");
    await standby.setAlertSettings(1201, { ...DEFAULT_ALERT_SETTINGS, enabled: true, minAmount: 50 });
    w.sale(account.clientId, { amount: 10, currency: "EUR" });
    w.sale(account.clientId, { amount: 60, currency: "EUR" });
    await waitFor(() => w.texts(1201).length > 0, "the alert");
    // A few more polls: the small sale never comes.
    const polls = w.service.stats.polls;
    await waitFor(() => w.service.stats.polls >= polls + 2, "two more polls");
    expect(w.texts(1201)).toHaveLength(1);
    expect(w.texts(1201)[0]).toContain("€60.00");

    await standby.setAlertSettings(1201, DEFAULT_ALERT_SETTINGS);
    w.sale(account.clientId, { amount: 70, currency: "EUR" });
    // Several poll intervals: turned off, the sale is never alerted.
    await sleep(3000);
    expect(w.texts(1201)).toHaveLength(1);
  });

  it("sales a poller queued before its replica died are sent once by the next leader; none missed", async () => {
    const w = await onPostgres();
    const account = await w.subscribe({ id: 1202 });
    const standby = await w.openReplicaStore();
    for (const amount of [11, 12, 13]) w.sale(account.clientId, { amount, currency: "EUR" });
    // Polled and stored, not yet delivered: then the leader goes.
    await w.service.pollAll();
    const waiting = await standby.alertOutboxes();
    expect(waiting.find((outbox) => outbox.telegramId === 1202)?.entries).toHaveLength(3);
    expect((await standby.alertAccount(account.clientId))?.watermark).not.toBeNull();
    await w.restart();

    w.sale(account.clientId, { amount: 14, currency: "EUR" });
    await w.cycle();
    await w.cycle();
    await w.cycle();
    expect(salesTo(w, 1202)).toBe(4);
    const sent = (await standby.alertOutboxes()).find((outbox) => outbox.telegramId === 1202);
    expect(sent?.entries).toEqual([]);
    expect(Object.keys(sent?.sent ?? {})).toHaveLength(4);
  });

  it("the blocked-bot switch-off made by the poller is what every replica reads", async () => {
    const w = await onPostgres();
    const account = await w.subscribe({ id: 1203 });
    const standby = await w.openReplicaStore();
    w.telegram.faults.blockUser(1203);
    w.sale(account.clientId, { amount: 5, currency: "EUR" });
    await w.cycle();
    expect((await standby.alertSettings(1203)).enabled).toBe(false);
  });
});
