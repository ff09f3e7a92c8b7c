import { describe, expect, it } from "vitest";
import { newAccount, useAlertWorld } from "./support.js";

const started = useAlertWorld();

describe("sales alerts", () => {
  it("a single sale: channel, amount, link, country, method, local time and today so far, once", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 701, timezone: "America/Mexico_City" });
    expect(w.texts(701)).toEqual([]);
    const channel = w.premiumpay.data(account.clientId).channels[0]!;
    const sale = w.sale(account.clientId, {
      amount: 19.99,
      currency: "EUR",
      country: "MX",
      paymentMethod: "oxxo",
      invitationLink: channel.links[0]!.link,
    });
    await w.cycle();
    const local = new Intl.DateTimeFormat("en-GB", {
      timeZone: "America/Mexico_City",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(sale.date);
    expect(w.texts(701)).toEqual([
      `💰 New sale · ${channel.name}\n€19.99 · ${channel.links[0]!.name} · MX · oxxo · ${local}\nToday so far: 1 sale · €19.99`,
    ]);
    await w.cycle();
    await w.cycle();
    expect(w.texts(701)).toHaveLength(1);
  });

  it("a burst becomes one message with the count, the total per currency and the three largest", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 702 });
    const amounts = [5, 50, 7, 30, 20];
    for (const amount of amounts) w.sale(account.clientId, { amount, currency: "USD", invitationLink: null });
    await w.cycle();
    const texts = w.texts(702);
    expect(texts).toHaveLength(1);
    const lines = texts[0]!.split("\n");
    const channel = w.premiumpay.data(account.clientId).channels[0]!.name;
    expect(lines[0]).toBe(`💰 5 new sales · ${channel}`);
    expect(lines[1]).toBe("Total: $112.00");
    expect(lines[2]).toBe("Largest:");
    expect(lines.slice(3, 6).map((line) => line.split(" · ").slice(0, 2).join(" · "))).toEqual([
      "• $50.00 · direct",
      "• $30.00 · direct",
      "• $20.00 · direct",
    ]);
    expect(lines[6]).toBe("Today so far: 5 sales · $112.00");
  });

  it("at most one message per operator within the grouping time: sales in between wait and go together", async () => {
    const w = await started({ ALERTS_GROUP_SECONDS: "30" });
    const account = await w.subscribe({ id: 703 });
    w.sale(account.clientId, { amount: 1 });
    await w.cycle();
    w.sale(account.clientId, { amount: 2 });
    await w.cycle();
    w.sale(account.clientId, { amount: 3 });
    await w.cycle();
    expect(w.texts(703)).toHaveLength(1);
    w.clock.offsetMs = 31_000;
    await w.cycle();
    const texts = w.texts(703);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/^💰 2 new sales · /);
  });

  it("minimum amount and channel filter are per operator", async () => {
    const w = await started();
    const account = newAccount(w, 3);
    const [first, second] = w.premiumpay.data(account.clientId).channels;
    await w.addOperator({ id: 704, account, settings: { minAmount: 10 } });
    await w.addOperator({ id: 705, account, settings: { channelIds: [second!.id] } });
    await w.cycle();
    w.sale(account.clientId, { channelId: first!.id, amount: 4 });
    w.sale(account.clientId, { channelId: first!.id, amount: 40 });
    w.sale(account.clientId, { channelId: second!.id, amount: 9 });
    await w.cycle();
    const big = w.texts(704);
    expect(big).toHaveLength(1);
    expect(big[0]).toMatch(/^💰 New sale · /);
    expect(big[0]).toContain(first!.name);
    // Today so far counts every sale of the operator's channels, not only those above the minimum.
    expect(big[0]).toMatch(/Today so far: 3 sales/);
    const filtered = w.texts(705);
    expect(filtered).toHaveLength(1);
    expect(filtered[0]).toContain(second!.name);
    expect(filtered[0]).not.toContain(first!.name);
    expect(filtered[0]).toMatch(/Today so far: 1 sale ·/);
  });

  it("two operators of one account share one poller: requests grow with accounts, both are alerted", async () => {
    const w = await started();
    const account = newAccount(w, 5);
    await w.addOperator({ id: 706, account });
    await w.addOperator({ id: 707, account, locale: "es" });
    await w.cycle();
    w.premiumpay.clearRequests();
    w.sale(account.clientId, { amount: 12 });
    await w.cycle();
    expect(w.service.pollers.size).toBe(1);
    const sales = w.premiumpay.requests.filter(
      (r) => r.endpoint === "sales" || r.endpoint === "channelSales",
    );
    // 5 channels sold through 3 gateways: one sales call per gateway is cheaper than five channel calls.
    expect(sales.map((r) => r.endpoint)).toEqual(["sales", "sales", "sales"]);
    expect(w.texts(706)).toHaveLength(1);
    expect(w.texts(707)).toHaveLength(1);
    expect(w.texts(707)[0]).toMatch(/^💰 Nueva venta · .*\n.*\nHoy hasta ahora: 1 venta · /);
  });

  it("an operator watching one channel is polled by channel, the cheaper query", async () => {
    const w = await started();
    const account = newAccount(w, 5);
    const channel = w.premiumpay.data(account.clientId).channels[2]!;
    await w.addOperator({ id: 708, account, settings: { channelIds: [channel.id] } });
    await w.cycle();
    w.premiumpay.clearRequests();
    w.sale(account.clientId, { channelId: channel.id, amount: 3 });
    await w.cycle();
    expect(
      w.premiumpay.requests.map((r) => [r.endpoint, (r.body as { channel_id?: number }).channel_id]),
    ).toEqual([["channelSales", channel.id]]);
    expect(w.texts(708)).toHaveLength(1);
  });

  it("a sale premiumpay shows minutes after its timestamp is still alerted, once", async () => {
    const w = await started();
    const account = await w.subscribe({ id: 709 });
    await w.cycle();
    w.sale(account.clientId, { amount: 8, date: new Date(Date.now() - 4 * 60_000) });
    await w.cycle();
    expect(w.texts(709)).toHaveLength(1);
    expect(w.texts(709)[0]).toMatch(/^💰 New sale · /);
    await w.cycle();
    expect(w.texts(709)).toHaveLength(1);
  });

  it("names from premiumpay are escaped and shown as written", async () => {
    const w = await started();
    const account = w.premiumpay.addClient({ channelNames: ["<b>VIP</b> & co"] });
    await w.addOperator({ id: 710, account });
    await w.cycle();
    w.sale(account.clientId, { amount: 5, invitationLink: null, country: "<i>X</i>" });
    await w.cycle();
    const [message] = w.telegram.chat(710).botMessages();
    expect(message?.text).toMatch(/^💰 New sale · <b>VIP<\/b> & co\n.* · direct · <i>X<\/i> · /);
  });

  it("a sale made between turning alerts on and the account's first poll is alerted; one from before is not", async () => {
    const w = await started();
    const account = newAccount(w);
    const turnedOn = Date.now() + w.clock.offsetMs;
    w.sale(account.clientId, { amount: 3, date: new Date(turnedOn - 2 * 60_000) });
    await w.addOperator({ id: 711, account, settings: { enabledAt: new Date(turnedOn).toISOString() } });
    w.sale(account.clientId, { amount: 17, currency: "EUR" });
    await w.cycle();
    const texts = w.texts(711);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^💰 New sale · .*\n€17.00 · /);
    await w.cycle();
    expect(w.texts(711)).toHaveLength(1);
  });

  it("sales made while an operator had alerts off are never alerted to them, and no downtime summary follows", async () => {
    const w = await started();
    const account = newAccount(w);
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    await w.addOperator({ id: 712, account, settings: { enabledAt: at(0) } });
    await w.cycle();
    w.sale(account.clientId, { amount: 1 });
    await w.cycle();
    expect(w.texts(712)).toHaveLength(1);
    const on = await w.store.alertSettings(712);
    await w.store.setAlertSettings(712, { ...on, enabled: false });
    await w.cycle();
    expect(w.service.pollers.size).toBe(0);
    w.clock.offsetMs = 10 * 60_000;
    w.sale(account.clientId, { amount: 50 });
    w.clock.offsetMs = 20 * 60_000;
    await w.store.setAlertSettings(712, { ...on, enabled: true, enabledAt: at(20) });
    w.clock.offsetMs = 20 * 60_000 + 1000;
    w.sale(account.clientId, { amount: 7, currency: "USD" });
    await w.cycle();
    const texts = w.texts(712);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/^💰 New sale · .*\n\$7.00 · /);
    await w.cycle();
    expect(w.texts(712)).toHaveLength(2);
  });
});
