import { describe, expect, it, vi } from "vitest";
import { saleKey } from "../../src/alerts/poller.js";
import { phaseOf } from "../../src/alerts/service.js";
import { saleSchema } from "../../src/premiumpay/schemas.js";
import { formatDateTime } from "../../src/sandbox/premiumpay/api.js";
import { type AlertWorld, newAccount, salesInMessage, useAlertWorld } from "./support.js";

const started = useAlertWorld();
const MINUTE = 60_000;

/** A sale as premiumpay sends it, without `id` or `sale_id`. */
const idless = {
  date: "2026-12-01T10:00:00Z",
  amount: 9.99,
  currency: "EUR",
  country: "ES",
  payment_method: "card",
  invitation_link: "https://t.me/+main",
  channel_id: 11,
  pasarela_id: 2,
  service_id: 31,
};
const keyOf = (raw: Record<string, unknown>) => saleKey(saleSchema.parse(raw));

/** The channel and service premiumpay's answers use for a sandbox account's first channel. */
function firstChannelOf(w: AlertWorld, clientId: string) {
  const data = w.premiumpay.data(clientId);
  const channel = data.channels[0]!;
  const gateway = data.gateways[0]!;
  const service = gateway.services.find((s) => s.channelId === channel.id)!;
  return { channel_id: channel.id, pasarela_id: gateway.id, service_id: service.id };
}

describe("accounts spread over the poll interval", () => {
  const INTERVAL = 60_000;
  const clientIds = Array.from({ length: 2000 }, (_, n) => `client-${n.toString(36).padStart(6, "0")}`);

  it("each account keeps one moment, the same on every call and in every process", () => {
    const phases = clientIds.map((id) => phaseOf(id, INTERVAL));
    expect(clientIds.map((id) => phaseOf(id, INTERVAL))).toEqual(phases);
    for (const phase of phases) {
      expect(Number.isInteger(phase)).toBe(true);
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(INTERVAL);
    }
    // A hash of the client id alone: another account joining or leaving moves no one.
    expect(phaseOf("client-000001", INTERVAL)).toBe(phases[1]);
  });

  it("a few accounts get distinct moments; many fill the interval evenly, no second a wave", () => {
    const few = clientIds.slice(0, 50).map((id) => phaseOf(id, INTERVAL));
    expect(new Set(few).size).toBe(few.length);
    const tenths = Array.from({ length: 10 }, () => 0);
    const perSecond = new Map<number, number>();
    for (const id of clientIds) {
      const phase = phaseOf(id, INTERVAL);
      tenths[Math.floor(phase / (INTERVAL / 10))]! += 1;
      perSecond.set(Math.floor(phase / 1000), (perSecond.get(Math.floor(phase / 1000)) ?? 0) + 1);
    }
    // 2,000 accounts: 200 per tenth and 33 per second on average.
    expect(Math.min(...tenths)).toBeGreaterThan(160);
    expect(Math.max(...tenths)).toBeLessThan(240);
    expect(perSecond.size).toBe(60);
    expect(Math.max(...perSecond.values())).toBeLessThan(66);
  });
});

describe("sale keys", () => {
  it("premiumpay's id when there is one, whatever else differs", () => {
    expect(keyOf({ ...idless, id: 7 })).toBe("id:7");
    expect(keyOf({ ...idless, amount: 1, sale_id: "7" })).toBe("id:7");
  });

  it("without an id: the same fields give the same key, a change in any one field another key", () => {
    const key = keyOf(idless);
    expect(keyOf({ ...idless })).toBe(key);
    const changed = {
      date: "2026-12-01T10:00:01Z",
      amount: 9.98,
      currency: "USD",
      country: "MX",
      payment_method: "paypal",
      invitation_link: "https://t.me/+promo",
      channel_id: 12,
      pasarela_id: 3,
      service_id: 32,
    };
    const keys = Object.entries(changed).map(([field, value]) => keyOf({ ...idless, [field]: value }));
    expect(new Set([key, ...keys]).size).toBe(keys.length + 1);
    expect(keyOf({ ...idless, invitation_link: null })).not.toBe(key);
  });
});

describe("sales without an id, end to end", () => {
  it("two id-less sales differing in one field are both alerted; seen again in later polls, never again", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 901 });
    const at = formatDateTime(new Date(Date.now() + w.clock.offsetMs));
    const base = { ...idless, ...firstChannelOf(w, account.clientId), date: at, invitation_link: null };
    // Every gateway's answer carries both sales: premiumpay's answers overlap, the keys must not.
    w.premiumpay.faults.set("sales", { body: [base, { ...base, country: "MX" }] });
    await w.cycle();
    expect(w.texts(901).map(salesInMessage)).toEqual([2]);
    for (const offset of [20_000, 2 * MINUTE, 5 * MINUTE]) {
      w.clock.offsetMs = offset;
      await w.cycle();
    }
    expect(w.texts(901)).toHaveLength(1);
  });

  it("after downtime, an id-less sale shown twice is summarised once", async () => {
    const w = await started();
    const account = newAccount(w);
    await w.addOperator({ id: 902, account });
    await w.cycle();
    await w.service.stop();
    const sold = formatDateTime(new Date(Date.now() + 20 * MINUTE));
    const sale = { ...idless, ...firstChannelOf(w, account.clientId), date: sold, amount: 5 };
    w.premiumpay.faults.set("sales", { body: [sale, sale] });
    w.clock.offsetMs = 45 * MINUTE;
    await w.restart();
    await w.cycle();
    const texts = w.texts(902);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^📬 While alerts were down: 1 sale\n/);
  });
});

describe("catch-up after long downtime", () => {
  const HOUR = 60 * MINUTE;

  /** Stops the service, freezes its clock `downHours` from now on a whole second, and returns that moment. */
  async function downFor(w: AlertWorld, downHours: number): Promise<number> {
    await w.service.stop();
    const back = Math.ceil((Date.now() + downHours * HOUR) / 1000) * 1000;
    w.clock.frozenAt = back;
    return back;
  }

  it("after 30 h down, only the sales of the last 24 h are summarised, the one exactly 24 h old included", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 903 });
    const back = await downFor(w, 30);
    for (const [before, amount] of [
      [25 * HOUR, 100],
      [24 * HOUR + 1000, 200],
      [24 * HOUR, 1],
      [2 * HOUR, 4],
    ] as const)
      w.sale(account.clientId, { date: new Date(back - before), amount, currency: "EUR" });
    await w.restart();
    await w.cycle();
    const texts = w.texts(903);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^📬 While alerts were down: 2 sales\nTotal: €5.00\n/);
    await w.cycle();
    expect(w.texts(903)).toHaveLength(1);
  });

  it("no catch-up configured: live sales, late ones in the overlap included, are still alerted", async () => {
    const w = await started({ ALERTS_CATCH_UP_HOURS: "0" });
    const account = await w.subscribe({ id: 905 });
    w.sale(account.clientId, { amount: 3 });
    await w.cycle();
    w.sale(account.clientId, { amount: 4, date: new Date(Date.now() - 4 * MINUTE) });
    await w.cycle();
    expect(w.texts(905).map(salesInMessage)).toEqual([1, 1]);
  });

  it("a longer configured catch-up reaches back that far", async () => {
    const w = await started({ ALERTS_CATCH_UP_HOURS: "48" });
    const account = await w.subscribe({ id: 904 });
    const back = await downFor(w, 60);
    for (const [before, amount] of [
      [49 * HOUR, 100],
      [30 * HOUR, 10],
      [2 * HOUR, 4],
    ] as const)
      w.sale(account.clientId, { date: new Date(back - before), amount, currency: "EUR" });
    await w.restart();
    await w.cycle();
    expect(w.texts(904)).toEqual([
      expect.stringMatching(/^📬 While alerts were down: 2 sales\nTotal: €14.00\n/),
    ]);
  });
});

describe("turning alerts on", () => {
  /** A started service with one account already polled, and a second operator who just turned alerts on. */
  async function turningOn(w: AlertWorld, id: number) {
    await w.subscribe({ id: id - 1 });
    w.service.start();
    await vi.waitFor(() => expect(w.service.pollers.size).toBe(1), { interval: 20 });
    const account = newAccount(w);
    await w.addOperator({ id, account, settings: { enabledAt: new Date().toISOString() } });
    return account;
  }

  it("reads only that operator, and a sale made right after is alerted at the next tick", async () => {
    const w = await started();
    const account = await turningOn(w, 906);
    const subscribersRead = vi.spyOn(w.store, "alertSubscribers");
    const operatorsRead = vi.spyOn(w.store, "listOperators");
    await w.service.turnedOn(906);
    expect(subscribersRead).not.toHaveBeenCalled();
    expect(operatorsRead).not.toHaveBeenCalled();
    w.sale(account.clientId, { amount: 21, currency: "EUR" });
    // The account's own moment in the interval (60 s) is not waited for: the next 250 ms tick polls it.
    await vi.waitFor(() => expect(w.texts(906)).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(w.texts(906)[0]).toMatch(/^💰 New sale · .*\n€21.00 · /);
  });

  it("a refresh that read the store before the turn-on does not undo it", async () => {
    const w = await started();
    const before = await w.store.alertSubscribers();
    const account = await turningOn(w, 908);
    const listOperators = w.store.listOperators.bind(w.store);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    vi.spyOn(w.store, "alertSubscribers").mockResolvedValueOnce(before);
    vi.spyOn(w.store, "listOperators").mockImplementationOnce(async () => {
      await held;
      return listOperators();
    });
    const stale = w.service.refresh();
    await w.service.turnedOn(908);
    release();
    await stale;
    expect(w.service.pollers.has(account.clientId)).toBe(true);
    w.sale(account.clientId, { amount: 22, currency: "EUR" });
    await vi.waitFor(() => expect(w.texts(908)).toHaveLength(1), { timeout: 10_000, interval: 50 });
  });
});
