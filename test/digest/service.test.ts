import { afterEach, describe, expect, it, vi } from "vitest";
import { localDate, startOfLocalDayOffset } from "../../src/time.js";
import { botTexts, type DigestWorld, startDigestWorld } from "./support.js";

// Monday 27 October 2025, 09:00 in Madrid (the day after the clocks went back): the digest reports on Sunday.
const MONDAY_9_MADRID = new Date("2025-10-27T08:00:00Z");
const ZONE = "Europe/Madrid";

let world: DigestWorld;
afterEach(async () => {
  await world?.stop();
});

function money(amount: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
}

describe("digest content", () => {
  it("shows yesterday's sales, the comparisons, the best link and the top countries from premiumpay's data", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 501 });
    const report = await world.service().runDue();
    expect(report).toEqual({ sent: 1, loginAgain: 0, blocked: 0, failed: 0 });

    const text = botTexts(world, 501).join("\n");
    expect(text).toContain("Your sales on Sunday, October 26");
    const data = world.premiumpay.data(world.premiumpay.demoClient.clientId);
    const anchor = new Date("2025-10-27T11:00:00Z");
    const dayStart = (back: number) => startOfLocalDayOffset(anchor, ZONE, back).getTime();
    // Sunday 26 October had 25 hours in Madrid: 23:00Z on the 25th to 23:00Z on the 26th.
    expect(new Date(dayStart(1)).toISOString()).toBe("2025-10-25T22:00:00.000Z");
    expect(new Date(dayStart(0)).toISOString()).toBe("2025-10-26T23:00:00.000Z");
    for (const channel of data.channels) {
      const sales = data.sales.filter(
        (sale) =>
          sale.channelId === channel.id &&
          sale.date.getTime() >= dayStart(1) &&
          sale.date.getTime() < dayStart(0),
      );
      const before = data.sales.filter(
        (sale) =>
          sale.channelId === channel.id &&
          sale.date.getTime() >= dayStart(2) &&
          sale.date.getTime() < dayStart(1),
      );
      const section = text.slice(text.indexOf(channel.name));
      const cents = sales.reduce((sum, sale) => sum + Math.round(sale.amount * 100), 0);
      const expectedLine =
        sales.length === 0
          ? "No sales"
          : `${sales.length} ${sales.length === 1 ? "sale" : "sales"} · ${money(cents / 100, channel.currency)}`;
      expect(section.split("\n")[1]).toBe(expectedLine);
      if (before.length > 0) {
        const ratio = (sales.length - before.length) / before.length;
        const shown =
          Math.abs(ratio) < 0.005 ? "=" : `${ratio > 0 ? "+" : "-"}${Math.round(Math.abs(ratio) * 100)}%`;
        expect(section.split("\n")[2]).toMatch(
          new RegExp(`^vs the day before: ${shown.replace("+", "\\+")} · `),
        );
      }
      if (sales.length > 0) {
        const perLink = new Map<string, number>();
        for (const sale of sales)
          if (sale.invitationLink)
            perLink.set(sale.invitationLink, (perLink.get(sale.invitationLink) ?? 0) + 1);
        const top = Math.max(...perLink.values());
        const bestNames = channel.links
          .filter((link) => perLink.get(link.link) === top)
          .map((link) => link.name);
        expect(bestNames.some((name) => section.split("\n")[3]?.startsWith(`Best link: ${name} (`))).toBe(
          true,
        );
      }
    }
    const yesterdaySales = data.sales.filter(
      (sale) => sale.date.getTime() >= dayStart(1) && sale.date.getTime() < dayStart(0),
    );
    const byCountry = new Map<string, number>();
    for (const sale of yesterdaySales) byCountry.set(sale.country, (byCountry.get(sale.country) ?? 0) + 1);
    const [topCountry, topCount] = [...byCountry.entries()].sort(
      (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
    )[0]!;
    expect(text).toMatch(new RegExp(`Top countries \\(whole account\\): ${topCountry} ${topCount} \\(`));
    expect(text).toContain("Payment methods (whole account): ");
    expect((await world.store.getOperator(501))?.digest.lastSentLocalDate).toBe("2025-10-27");
  });

  it("says when a breakdown has no data, and when premiumpay failed for it, never leaving a label empty", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 508 });
    world.premiumpay.faults.set("aggregatedSales", { body: [] }, { times: 2 });
    await world.service().runDue();
    const empty = botTexts(world, 508).join("\n");
    expect(empty).toContain("Top countries (whole account): no data");
    expect(empty).toContain("Payment methods (whole account): no data");

    await world.addOperator({ id: 509 });
    world.premiumpay.faults.set("aggregatedSales", { status: 400 }, { times: 2 });
    await world.service().runDue();
    const failed = botTexts(world, 509).join("\n");
    expect(failed).toContain("Top countries (whole account): ⚠️ premiumpay did not answer today");
    expect(failed).toContain("Payment methods (whole account): ⚠️ premiumpay did not answer today");
    expect(failed).not.toMatch(/: *\n/);

    await world.addOperator({ id: 510, locale: "es" });
    world.premiumpay.faults.set("aggregatedSales", { body: [] }, { times: 2 });
    await world.service().runDue();
    const spanish = botTexts(world, 510).join("\n");
    expect(spanish).toContain("Países principales (toda la cuenta): sin datos");
    expect(spanish).toContain("Métodos de pago (toda la cuenta): sin datos");
  });

  for (const [locale, noSales, noData] of [
    ["en", "No sales", "no data"],
    ["es", "Sin ventas", "sin datos"],
  ] as const) {
    it(`a day without sales reads "${noSales}", never an amount without a currency (${locale})`, async () => {
      world = await startDigestWorld({ now: MONDAY_9_MADRID });
      const account = world.premiumpay.addClient({ channels: 2 });
      await world.addOperator({ id: 511, account, locale });
      // premiumpay may list a key with nothing sold: it is no top entry, and "ES 0 (0.00)" would say nothing.
      world.premiumpay.faults.set(
        "aggregatedSales",
        { body: [{ country: "ES", payment_method: "card", count: 0, amount: 0, currency: null }] },
        { times: 2 },
      );
      expect((await world.service().runDue()).sent).toBe(1);
      const text = botTexts(world, 511).join("\n");
      for (const channel of world.premiumpay.data(account.clientId).channels) {
        expect(text.slice(text.indexOf(channel.name)).split("\n")[1]).toBe(noSales);
      }
      expect(text.match(new RegExp(`: ${noData}`, "g"))).toHaveLength(2);
      expect(text).not.toMatch(/\b0[.,]00\b/);
    });
  }

  it("when premiumpay fails for one channel, that channel says so and the others are delivered", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 502 });
    world.premiumpay.faults.set("channelSales", { status: 400 }, { times: 1 });
    world.premiumpay.clearRequests();
    expect((await world.service().runDue()).sent).toBe(1);

    const failedId = (
      world.premiumpay.requests.find((request) => request.endpoint === "channelSales")!.body as {
        channel_id: number;
      }
    ).channel_id;
    const text = botTexts(world, 502).join("\n");
    const channels = world.premiumpay.data(world.premiumpay.demoClient.clientId).channels;
    expect(text.match(/premiumpay did not answer for this channel/g)).toHaveLength(1);
    for (const channel of channels) {
      const nextLine = text.slice(text.indexOf(channel.name)).split("\n")[1];
      if (channel.id === failedId) expect(nextLine).toMatch(/did not answer for this channel/);
      else expect(nextLine).toMatch(/^(No sales|\d+ sales? · )/);
    }
  });
});

describe("digest reliability", () => {
  it("never sends the same day twice, across a restart on the same data", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 503 });
    expect((await world.service().runDue()).sent).toBe(1);
    expect((await world.service().runDue()).sent).toBe(0);
    await world.reopenStore();
    world.clock.now = new Date(MONDAY_9_MADRID.getTime() + 2 * 3_600_000);
    expect((await world.service().runDue()).sent).toBe(0);
    expect(botTexts(world, 503).filter((text) => text.startsWith("🗞"))).toHaveLength(1);
    // The next day's digest still comes.
    world.clock.now = new Date(MONDAY_9_MADRID.getTime() + 24 * 3_600_000);
    expect((await world.service().runDue()).sent).toBe(1);
    expect((await world.store.getOperator(503))?.digest.lastSentLocalDate).toBe("2025-10-28");
  });

  it("on start, sends digests missed less than the catch-up window ago and skips older ones", async () => {
    world = await startDigestWorld({ now: new Date("2025-10-27T14:00:00Z") }); // 15:00 in Madrid
    await world.addOperator({ id: 504, time: "10:00" }); // 5 h late
    await world.addOperator({ id: 505, time: "08:00" }); // 7 h late
    const service = world.service();
    service.start();
    await vi.waitFor(
      async () => expect((await world.store.getOperator(504))?.digest.lastSentLocalDate).toBe("2025-10-27"),
      { timeout: 5000 },
    );
    await service.stop();
    expect(botTexts(world, 504)).toHaveLength(1);
    expect(botTexts(world, 505)).toHaveLength(0);
    expect((await world.store.getOperator(505))?.digest.lastSentLocalDate).toBeNull();
  });

  it("expired credentials: one message asking to log in again instead of the digest, not repeated", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 506 });
    world.premiumpay.faults.set("channels", { status: 401 });
    const service = world.service();
    expect(await service.runDue()).toEqual({ sent: 0, loginAgain: 1, blocked: 0, failed: 0 });
    world.clock.now = new Date(MONDAY_9_MADRID.getTime() + 60_000);
    expect(await service.runDue()).toEqual({ sent: 0, loginAgain: 0, blocked: 0, failed: 0 });
    const texts = botTexts(world, 506);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/no longer accepts your credentials.*\/login/);
  });

  it("a user who blocked the bot gets the digest switched off and is not retried", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 507 });
    world.telegram.faults.blockUser(507);
    const service = world.service();
    expect((await service.runDue()).blocked).toBe(1);
    expect((await world.store.getOperator(507))?.digest.enabled).toBe(false);
    const attempts = () => world.telegram.calls.filter((call) => call.method === "sendMessage").length;
    const before = attempts();
    world.clock.now = new Date(MONDAY_9_MADRID.getTime() + 60_000);
    await service.runDue();
    expect(attempts()).toBe(before);
  });

  it("premiumpay down for the channel list: nothing sent, tried again on a later turn", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 508 });
    world.premiumpay.faults.set("channels", { status: 503 }, { times: 1 });
    const service = world.service();
    expect((await service.runDue()).failed).toBe(1);
    expect((await world.store.getOperator(508))?.digest.lastSentLocalDate).toBeNull();
    world.clock.now = new Date(MONDAY_9_MADRID.getTime() + 60_000);
    expect((await service.runDue()).sent).toBe(1);
  });

  it("Telegram refusing the digest: the day marked just before the send is given back, and a later turn sends it", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 509 });
    const marks: (string | null | undefined)[] = [];
    world.telegram.events.on("call", async (call) => {
      if (call.method === "sendMessage")
        marks.push((await world.store.getOperator(509))?.digest.lastSentLocalDate);
    });
    world.telegram.faults.failNext("sendMessage", {
      errorCode: 400,
      description: "Bad Request: chat not found",
    });
    const service = world.service();
    expect((await service.runDue()).failed).toBe(1);
    // Marked while the message was on its way, given back once it was refused.
    expect(marks).toEqual(["2025-10-27"]);
    expect((await world.store.getOperator(509))?.digest.lastSentLocalDate).toBeNull();
    world.clock.now = new Date(MONDAY_9_MADRID.getTime() + 60_000);
    expect((await service.runDue()).sent).toBe(1);
    expect((await world.store.getOperator(509))?.digest.lastSentLocalDate).toBe("2025-10-27");
  });
});

describe("digest size", () => {
  it("splits a digest over 4096 characters between channel sections, with hostile names escaped", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    const names = Array.from({ length: 40 }, (_, i) => `<b>Tom & "Jerry"</b> {$x} ${i} ${"ñ🔥".repeat(40)}`);
    const account = world.premiumpay.addClient({ channelNames: names });
    const data = world.premiumpay.data(account.clientId);
    for (const channel of data.channels) {
      world.premiumpay.addSale(account.clientId, {
        channelId: channel.id,
        date: new Date("2025-10-26T12:00:00Z"),
      });
    }
    await world.addOperator({ id: 509, account });
    expect((await world.service().runDue()).sent).toBe(1);

    const messages = world.telegram.chat(509).botMessages();
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.html.length).toBeLessThanOrEqual(4096);
      expect(message.text).toMatch(/^🗞 Your sales on Sunday, October 26/);
    }
    const all = messages.map((message) => message.text).join("\n");
    for (const name of names) {
      const shown = name.slice(0, 79);
      expect(all.split(shown).length - 1).toBe(1);
      // Each section stays whole: the name and its figures are in the same message.
      const holder = messages.find((message) => message.text.includes(shown))!;
      expect(holder.text.slice(holder.text.indexOf(shown)).split("\n")[1]).toMatch(/^1 sale · /);
    }
    expect(messages.at(-1)?.text).toContain("Top countries");
  });
});

describe("digest delivery at Telegram's pace", () => {
  it("300 operators against a Bot API that answers 429 beyond its rate: nobody skipped or sent twice", async () => {
    // The queue is configured above the emulator's limit, and a few 429s are injected as well, so the 429 path is
    // taken however fast premiumpay answers on this machine.
    world = await startDigestWorld({
      now: MONDAY_9_MADRID,
      env: { DIGEST_MAX_PER_SECOND: "150", DIGEST_CONCURRENCY: "32" },
    });
    world.telegram.setRateLimit({ globalPerSecond: 100, perChatPerSecond: 1 });
    world.telegram.faults.failNext(
      "sendMessage",
      { errorCode: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 },
      3,
    );
    const account = world.premiumpay.addClient({ channels: 1 });
    const ids = Array.from({ length: 300 }, (_, i) => 10_000 + i);
    for (const id of ids) await world.addOperator({ id, account });
    const service = world.service();
    const report = await service.runDue();

    expect(report).toEqual({ sent: 300, loginAgain: 0, blocked: 0, failed: 0 });
    expect(service.deliveryStats.rateLimited).toBeGreaterThanOrEqual(3);
    expect(service.deliveryStats.sent).toBe(300);
    for (const id of ids) {
      expect(botTexts(world, id)).toHaveLength(1);
      expect((await world.store.getOperator(id))?.digest.lastSentLocalDate).toBe(
        localDate(world.clock.now, ZONE),
      );
    }
    const sends = world.telegram.calls.filter((call) => call.method === "sendMessage");
    expect(sends.filter((call) => call.ok)).toHaveLength(300);
    // A refused message is sent again only after retry_after.
    for (const [index, refused] of sends.entries()) {
      if (refused.errorCode !== 429) continue;
      const again = sends.slice(index + 1).find((call) => call.params.chat_id === refused.params.chat_id);
      expect(again).toBeDefined();
      expect(again!.at - refused.at).toBeGreaterThanOrEqual(950);
    }
  }, 60_000);
});
