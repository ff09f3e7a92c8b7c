import { describe, expect, it } from "vitest";
import { type AlertWorld, newAccount, useAlertWorld } from "./support.js";

const started = useAlertWorld();

const MINUTE = 60_000;
const sendAttempts = (w: AlertWorld, chatId: number) =>
  w.telegram.calls.filter(
    (call) =>
      call.method === "sendMessage" && Number((call.params as { chat_id?: unknown }).chat_id) === chatId,
  ).length;
const salesRequests = (w: AlertWorld) =>
  w.premiumpay.requests.filter((r) => r.endpoint === "sales" || r.endpoint === "channelSales").length;

/** Moves the service clock to the next moment after the current one when Asia/Tokyo (UTC+9, no DST) shows hh:mm. */
function tokyoAt(w: AlertWorld, hh: number, mm: number): void {
  const current = Date.now() + w.clock.offsetMs;
  const day = new Date(current);
  let target = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hh - 9, mm);
  while (target <= current) target += 24 * 60 * MINUTE;
  w.clock.offsetMs = target - Date.now();
}

describe("quiet hours, restarts and premiumpay trouble", () => {
  it("quiet hours crossing midnight in the operator's zone hold alerts; one summary when they end", async () => {
    const w = await started();
    const account = newAccount(w);
    await w.addOperator({
      id: 801,
      account,
      timezone: "Asia/Tokyo",
      settings: { quietHours: { from: "22:00", to: "07:00" } },
    });
    tokyoAt(w, 21, 50);
    await w.cycle();
    tokyoAt(w, 23, 30);
    w.sale(account.clientId, { amount: 10, currency: "EUR" });
    await w.cycle();
    tokyoAt(w, 2, 0);
    w.sale(account.clientId, { amount: 20, currency: "EUR" });
    await w.cycle();
    tokyoAt(w, 6, 59);
    await w.cycle();
    expect(w.texts(801)).toEqual([]);
    tokyoAt(w, 7, 0);
    await w.cycle();
    const texts = w.texts(801);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(
      /^🌙 During your quiet hours: 2 sales\nTotal: €30.00\nLargest:\n• €20.00 .*· 02:00\n• €10.00 .*· 23:30\n/,
    );
    // Today (from Tokyo's midnight) holds only the 02:00 sale.
    expect(texts[0]).toMatch(/Today so far: 1 sale · €20.00$/);
    w.sale(account.clientId, { amount: 5 });
    await w.cycle();
    expect(w.texts(801)[1]).toMatch(/^💰 New sale · /);
  });

  it("sales held by quiet hours survive a restart and arrive in the summary when the hours end", async () => {
    const w = await started();
    tokyoAt(w, 21, 50);
    const account = await w.subscribe({
      id: 808,
      timezone: "Asia/Tokyo",
      settings: { quietHours: { from: "22:00", to: "07:00" } },
    });
    tokyoAt(w, 23, 0);
    w.sale(account.clientId, { amount: 10, currency: "EUR" });
    await w.cycle();
    await w.restart();
    w.service.start();
    tokyoAt(w, 7, 5);
    await w.cycle();
    expect(w.texts(808)).toEqual([
      expect.stringMatching(/^🌙 During your quiet hours: 1 sale\nTotal: €10.00\n/),
    ]);
  });

  /** A fixed-offset zone where it is about noon now (Etc/GMT signs are inverted: Etc/GMT-5 is UTC+5). */
  const middayZone = () => {
    const offset = Math.max(-12, Math.min(14, 12 - new Date().getUTCHours()));
    return offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
  };

  it("a restart after downtime sends the sales missed meanwhile as one summary, and nothing twice", async () => {
    const w = await started();
    // The three sales and "today so far" must fall on one local day whatever the hour the test runs at.
    const account = await w.subscribe({ id: 802, timezone: middayZone() });
    w.sale(account.clientId, { amount: 1 });
    await w.cycle();
    expect(w.texts(802)).toHaveLength(1);
    await w.service.stop();
    for (const minutes of [5, 20, 40]) {
      w.clock.offsetMs = minutes * MINUTE;
      w.sale(account.clientId, { amount: minutes });
    }
    w.clock.offsetMs = 45 * MINUTE;
    await w.restart();
    await w.cycle();
    const texts = w.texts(802);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/^📬 While alerts were down: 3 sales\nTotal: /);
    expect(texts[1]).toMatch(/Today so far: 4 sales/);
    await w.restart();
    await w.cycle();
    await w.cycle();
    expect(w.texts(802)).toHaveLength(2);
  });

  it("a 429 makes the account wait its Retry-After and poll less often; the sale still comes", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 803 });
    w.premiumpay.faults.set("sales", { rateLimit: 30 }, { times: 1 });
    w.sale(account.clientId, { amount: 3 });
    await w.cycle();
    const afterRefusal = salesRequests(w);
    w.clock.offsetMs = 20_000;
    await w.cycle();
    expect(salesRequests(w)).toBe(afterRefusal);
    expect(w.texts(803)).toEqual([]);
    const poller = w.service.pollers.get(account.clientId)!;
    expect(poller.nextDelayMs()).toBe(2 * w.config.alerts.pollMs);
    w.clock.offsetMs = 31_000;
    await w.cycle();
    expect(w.texts(803)).toHaveLength(1);
  });

  it("premiumpay unreachable: silence for an hour, then one notice, and one on recovery with the sales", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 804 });
    w.premiumpay.faults.set("sales", { status: 503 });
    w.sale(account.clientId, { amount: 7 });
    for (const minutes of [1, 30, 59]) {
      w.clock.offsetMs = minutes * MINUTE;
      await w.cycle();
    }
    expect(w.texts(804)).toEqual([]);
    for (const minutes of [62, 70, 90]) {
      w.clock.offsetMs = minutes * MINUTE;
      await w.cycle();
    }
    expect(w.texts(804)).toEqual([expect.stringMatching(/^⚠️ premiumpay has not answered for over an hour/)]);
    w.premiumpay.faults.clear();
    w.clock.offsetMs = 100 * MINUTE;
    w.sale(account.clientId, { amount: 8 });
    await w.cycle();
    await w.service.dispatch();
    const texts = w.texts(804);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toMatch(/^✅ premiumpay answers again/);
    expect(texts[2]).toMatch(/^💰 2 new sales · /);
  });

  it("401: one 'log in again' message, no more polling, and alerts resume after a new login", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 805 });
    w.premiumpay.faults.set("sales", { status: 401 });
    await w.cycle();
    expect(w.texts(805)).toEqual([
      expect.stringMatching(/^🔑 premiumpay no longer accepts your credentials.*\/login/s),
    ]);
    w.premiumpay.faults.clear();
    const before = w.premiumpay.requests.length;
    await w.cycle();
    await w.cycle();
    expect(w.premiumpay.requests.length).toBe(before);
    w.sale(account.clientId, { amount: 4 });
    w.clock.offsetMs = 1000;
    await w.store.saveCredentials(805, account, { timezone: "Europe/Madrid", digestTime: "09:00" });
    await w.cycle();
    const texts = w.texts(805);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/^💰 New sale · /);
  });

  it("401 again after logging in again: a second 'log in again' message, and still one per login", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 810 });
    w.premiumpay.faults.set("sales", { status: 401 });
    await w.cycle();
    expect(w.texts(810)).toHaveLength(1);
    w.clock.offsetMs = 1000;
    await w.store.saveCredentials(810, account, { timezone: "Europe/Madrid", digestTime: "09:00" });
    await w.cycle();
    await w.cycle();
    expect(w.texts(810)).toEqual([
      expect.stringMatching(/^🔑 premiumpay no longer accepts your credentials/),
      expect.stringMatching(/^🔑 premiumpay no longer accepts your credentials/),
    ]);
  });

  it("two logins on one account refused with the same token: one message each, then no more polling", async () => {
    const w = await started();
    const account = newAccount(w);
    await w.addOperator({ id: 811, account });
    w.clock.offsetMs = 1000;
    await w.addOperator({ id: 812, account });
    await w.cycle();
    w.premiumpay.faults.set("sales", { status: 401 });
    await w.cycle();
    const before = w.premiumpay.requests.length;
    await w.cycle();
    await w.cycle();
    expect(w.premiumpay.requests.length).toBe(before);
    for (const id of [811, 812])
      expect(w.texts(id)).toEqual([
        expect.stringMatching(/^🔑 premiumpay no longer accepts your credentials/),
      ]);
  });

  it("a 401 during quiet hours: the 'log in again' message waits for their end, as alerts do", async () => {
    const w = await started();
    tokyoAt(w, 21, 50);
    await w.subscribe({
      id: 809,
      timezone: "Asia/Tokyo",
      settings: { quietHours: { from: "22:00", to: "07:00" } },
    });
    w.premiumpay.faults.set("sales", { status: 401 });
    tokyoAt(w, 23, 0);
    await w.cycle();
    tokyoAt(w, 6, 59);
    await w.cycle();
    expect(w.texts(809)).toEqual([]);
    tokyoAt(w, 7, 0);
    await w.cycle();
    expect(w.texts(809)).toEqual([
      expect.stringMatching(/^🔑 premiumpay no longer accepts your credentials.*\/login/s),
    ]);
  });

  it("stays within the configured share of the account's rate limit, lengthening its interval", async () => {
    const w = await started({ ALERTS_POLL_SECONDS: "1", ALERTS_RATE_SHARE: "0.5" });
    w.premiumpay.setRateLimit({ perMinute: 20, enforce: true });
    const account = newAccount(w, 5);
    await w.addOperator({ id: 806, account });
    const made: number[] = [];
    for (let second = 0; second < 180; second++) {
      w.clock.offsetMs = second * 1000;
      const before = w.premiumpay.requests.length;
      await w.service.pollAll();
      for (let n = before; n < w.premiumpay.requests.length; n++) made.push(second * 1000);
    }
    const busiestMinute = Math.max(
      ...made.map((start) => made.filter((t) => t >= start && t < start + MINUTE).length),
    );
    expect(busiestMinute).toBeLessThanOrEqual(10);
    // It did keep polling: at least one poll (3 calls) a minute besides the first minute's set-up calls.
    expect(made.length).toBeGreaterThanOrEqual(15);
    expect(w.premiumpay.requests.some((r) => r.endpoint === "status")).toBe(true);
  });

  it("a user who blocked the bot has alerts switched off and is not tried again", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 807 });
    w.telegram.faults.blockUser(807);
    w.sale(account.clientId, { amount: 3 });
    await w.cycle();
    expect((await w.store.alertSettings(807)).enabled).toBe(false);
    const attempts = sendAttempts(w, 807);
    w.sale(account.clientId, { amount: 4 });
    w.clock.offsetMs = 15_000;
    await w.cycle();
    expect(sendAttempts(w, 807)).toBe(attempts);
  });
});
