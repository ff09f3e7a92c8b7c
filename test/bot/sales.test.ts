import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SandboxRequest, SandboxSale } from "../../src/sandbox/premiumpay/index.js";
import {
  callbackDataOf,
  type Harness,
  hasButton,
  type OperatorDriver,
  salesAroundMadridMidnight,
  stampedLike,
  startHarness,
} from "../support/harness.js";

/** A Sunday: Europe/Madrid springs forward from 02:00 CET to 03:00 CEST, so the local day has 23 hours. */
const START = new Date("2026-03-29T10:15:00Z");
let clock = START;
let h: Harness;

// The harness runs no digest schedule, so every premiumpay request counted here is the flows'.
beforeAll(async () => {
  h = await startHarness({ now: () => clock });
});
afterAll(() => h?.stop());

interface Account {
  clientId: string;
  token: string;
}

async function operatorIn(zone: string, options: { account?: Account; languageCode?: string } = {}) {
  const op = h.operator({
    ...(options.account ? { account: options.account } : {}),
    ...(options.languageCode ? { languageCode: options.languageCode } : {}),
  });
  await op.login();
  await h.app.deps.store.updateOperator(op.user.id, { timezone: zone });
  return op;
}

/** Opens /sales on a channel; `link` is the label of the link button ("All links" for all of them). */
async function openSales(op: OperatorDriver, channel: string, link = "All links") {
  await op.send("/sales", /Pick a channel/);
  await op.click(channel, /all links, or of one link/);
  return op.click(link, /Sales:/);
}

/** Runs `action` and returns the channelSales requests it caused. */
async function channelSalesDuring<T>(
  action: () => Promise<T>,
): Promise<{ result: T; requests: SandboxRequest[] }> {
  const before = h.premiumpay.requests.length;
  const result = await action();
  const requests = h.premiumpay.requests
    .slice(before)
    .filter((request) => request.endpoint === "channelSales");
  return { result, requests };
}

const rangeOf = (request: SandboxRequest | undefined) => {
  const body = request?.body as { start_date_time?: string; end_date_time?: string } | undefined;
  return { from: body?.start_date_time, to: body?.end_date_time };
};

/** The sandbox's own sales of a channel in an inclusive range, as premiumpay would select them. */
function salesInState(
  clientId: string,
  channelId: number,
  from: string,
  to: string,
  link?: string,
): SandboxSale[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  return h.premiumpay
    .data(clientId)
    .sales.filter(
      (sale) =>
        sale.channelId === channelId &&
        sale.date.getTime() >= start &&
        sale.date.getTime() <= end &&
        (link === undefined || sale.invitationLink === link),
    );
}

/** The total line: "no sales" rather than an amount without a currency. */
const totalLine = (sales: readonly SandboxSale[]) =>
  `Total: ${sales.length === 0 ? "no sales" : expectedTotal(sales)}`;

/** Totals as an operator reading English expects them, computed here without the bot's formatting code. */
function expectedTotal(sales: readonly SandboxSale[]): string {
  if (sales.length === 0) return "0.00";
  const cents = new Map<string, number>();
  for (const sale of sales)
    cents.set(sale.currency, (cents.get(sale.currency) ?? 0) + Math.round(sale.amount * 100));
  return [...cents.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([currency, total]) =>
      new Intl.NumberFormat("en-US", { style: "currency", currency }).format(total / 100),
    )
    .join(" · ");
}

const plural = (count: number) => (count === 1 ? "1 sale" : `${count} sales`);

function demoChannel(name: string) {
  const channel = h.premiumpay.data(h.premiumpay.demoClient.clientId).channels.find((c) => c.name === name);
  if (!channel) throw new Error(`no demo channel ${name}`);
  return channel;
}

describe("/sales", () => {
  it("shows today from local midnight to now (sent as UTC) and yesterday until the same local time", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    const channel = demoChannel("Fitness Premium");
    const { clientId } = h.premiumpay.demoClient;
    // Known sales on both sides of each boundary, on top of the seeded ones.
    h.premiumpay.addSale(clientId, {
      channelId: channel.id,
      date: new Date("2026-03-28T23:00:00Z"),
      amount: 10,
    });
    h.premiumpay.addSale(clientId, {
      channelId: channel.id,
      date: new Date("2026-03-28T22:59:59Z"),
      amount: 10,
    });
    h.premiumpay.addSale(clientId, {
      channelId: channel.id,
      date: new Date("2026-03-28T11:15:00Z"),
      amount: 10,
    });
    h.premiumpay.addSale(clientId, {
      channelId: channel.id,
      date: new Date("2026-03-28T11:15:01Z"),
      amount: 10,
    });

    const { result, requests } = await channelSalesDuring(() => openSales(op, "Fitness Premium"));

    expect(requests).toHaveLength(2);
    // 00:00 CET on the 29th is 23:00 UTC on the 28th; 12:15 CEST yesterday was CET, 11:15 UTC.
    expect(rangeOf(requests[0])).toEqual({ from: "2026-03-28T23:00:00Z", to: "2026-03-29T10:15:00Z" });
    expect(rangeOf(requests[1])).toEqual({ from: "2026-03-27T23:00:00Z", to: "2026-03-28T11:15:00Z" });
    for (const request of requests) {
      expect((request.body as { channel_id: number }).channel_id).toBe(channel.id);
      expect(request.body).not.toHaveProperty("invitation_link");
    }

    const today = salesInState(clientId, channel.id, "2026-03-28T23:00:00Z", "2026-03-29T10:15:00Z");
    const yesterday = salesInState(clientId, channel.id, "2026-03-27T23:00:00Z", "2026-03-28T11:15:00Z");
    expect(today.length).toBeGreaterThan(0);
    expect(yesterday.length).toBeGreaterThan(0);
    expect(result.text).toContain("Fitness Premium · all links");
    expect(result.text).toContain("Today, 2026-03-29, until 12:15 (Europe/Madrid)");
    expect(result.text).toContain(`Sales: ${today.length}\n`);
    expect(result.text).toContain(totalLine(today));
    expect(result.text).toContain(
      `Yesterday until 12:15: ${plural(yesterday.length)} · ${expectedTotal(yesterday)}`,
    );
    const change = (today.length - yesterday.length) / yesterday.length;
    const percent = new Intl.NumberFormat("en-US", {
      style: "percent",
      maximumFractionDigits: 0,
      signDisplay: "always",
    });
    expect(result.text).toContain(
      `Change in sales: ${Math.abs(change) < 0.005 ? "=" : percent.format(change)}`,
    );
    expect(callbackDataOf(result)).toEqual([
      "sv1:refresh",
      "sv1:export",
      "sv1:links",
      "sv1:yesterday",
      "sv1:last7",
      "sv1:other",
      "x",
    ]);
    expect(h.telegram.unansweredCallbacks()).toEqual([]);
  });

  it("breaks the sales down by link, with the channel's names for its links and direct sales apart", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    const channel = demoChannel("Crypto Academy");
    const { clientId } = h.premiumpay.demoClient;
    h.premiumpay.addSale(clientId, {
      channelId: channel.id,
      date: new Date("2026-03-29T08:00:00Z"),
      invitationLink: null,
    });
    const result = await openSales(op, "Crypto Academy");

    const today = salesInState(clientId, channel.id, "2026-03-28T23:00:00Z", "2026-03-29T10:15:00Z");
    expect(result.text).toContain("By link");
    const byLink = new Map<string | null, SandboxSale[]>();
    for (const sale of today)
      byLink.set(sale.invitationLink, [...(byLink.get(sale.invitationLink) ?? []), sale]);
    expect(byLink.size).toBeGreaterThan(1);
    for (const [url, sales] of byLink) {
      const name = url === null ? "no link (direct)" : channel.links.find((link) => link.link === url)?.name;
      expect(result.text).toContain(`• ${name}: ${plural(sales.length)} · ${expectedTotal(sales)}`);
    }
  });

  it("asks premiumpay for one link only when the operator picks it", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    const channel = demoChannel("Crypto Academy");
    const link = channel.links[1]!;
    const { result, requests } = await channelSalesDuring(() => openSales(op, "Crypto Academy", link.name));

    expect(requests.map((request) => (request.body as { invitation_link?: string }).invitation_link)).toEqual(
      [link.link, link.link],
    );
    const today = salesInState(
      h.premiumpay.demoClient.clientId,
      channel.id,
      "2026-03-28T23:00:00Z",
      "2026-03-29T10:15:00Z",
      link.link,
    );
    expect(result.text).toContain(`Crypto Academy · link ${link.name}`);
    expect(result.text).toContain(`Sales: ${today.length}\n`);
    expect(result.text).toContain(totalLine(today));
    expect(result.text).not.toContain("By link");
  });

  it("refuses a forged link button without asking premiumpay", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    await op.send("/sales", /Pick a channel/);
    const step = await op.click("Trading Signals VIP", /all links, or of one link/);
    const { result: answer, requests } = await channelSalesDuring(() =>
      op.answerTo(step.messageId, "sl1:one:7"),
    );
    expect(answer.answer?.text).toMatch(/expired/);
    // No "today" read was made.
    expect(requests.map(rangeOf).filter((range) => range.to === "2026-03-29T10:15:00Z")).toEqual([]);
    // The flow is still waiting at the link step.
    await op.click("All links", /Sales:/);
  });

  it("resumes after a restart in the middle of the flow, and refuses a period it does not offer", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    await op.send("/sales", /Pick a channel/);
    const { message, button } = op.findButton("Fitness Premium");
    const linkStep = op.nextBotMessage(/all links, or of one link/);
    const click = h.telegram.clickButton(op.user, message.messageId, button.callback_data);
    await linkStep;
    // The reply goes out before the conversation plugin stores the click: restart only once it is on disk.
    await vi.waitFor(
      async () => {
        const state = await h.app.deps.store.conversationStorage.read(String(op.chatId));
        expect(JSON.stringify(state ?? null)).toContain(`"update_id":${click.update_id},`);
      },
      { timeout: 5000, interval: 10 },
    );
    await h.restart();
    const result = await op.click("All links", /Sales:/);
    expect(result.text).toContain("Fitness Premium · all links");

    const { result: answer, requests } = await channelSalesDuring(() =>
      op.answerTo(result.messageId, "sv1:last30"),
    );
    expect(answer.answer?.text).toMatch(/expired/);
    // Nothing asked for the 30 days starting 2026-02-28 local.
    expect(requests.map(rangeOf).filter((range) => range.from === "2026-02-27T23:00:00Z")).toEqual([]);
    expect(h.telegram.chat(op.chatId).messages.find((m) => m.messageId === result.messageId)?.editCount).toBe(
      result.editCount,
    );
    const week = await op.click("Last 7 days", /Last 7 days:/);
    expect(week.messageId).toBe(result.messageId);
  });

  it("Refresh reads again up to the new now and edits the same message", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    const channel = demoChannel("Recetas Secretas");
    const first = await openSales(op, "Recetas Secretas");
    const countBefore = Number(/Sales: (\d+)/.exec(first.text)?.[1]);

    clock = new Date(START.getTime() + 5 * 60_000);
    h.premiumpay.addSale(h.premiumpay.demoClient.clientId, {
      channelId: channel.id,
      date: new Date(START.getTime() + 60_000),
    });
    const { result, requests } = await channelSalesDuring(() => op.click("Refresh", /until 12:20/));

    expect(result.messageId).toBe(first.messageId);
    expect(rangeOf(requests[0])).toEqual({ from: "2026-03-28T23:00:00Z", to: "2026-03-29T10:20:00Z" });
    expect(rangeOf(requests[1])).toEqual({ from: "2026-03-27T23:00:00Z", to: "2026-03-28T11:20:00Z" });
    expect(result.text).toContain(`Sales: ${countBefore + 1}\n`);
  });

  it("Yesterday shows the whole previous local day and Last 7 days starts six local midnights ago, in place", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    const channel = demoChannel("Idiomas Express");
    const { clientId } = h.premiumpay.demoClient;
    const first = await openSales(op, "Idiomas Express");

    const yesterday = await channelSalesDuring(() => op.click("Yesterday", /Yesterday, 2026-03-28/));
    expect(yesterday.result.messageId).toBe(first.messageId);
    expect(yesterday.requests.map(rangeOf)).toEqual([
      { from: "2026-03-27T23:00:00Z", to: "2026-03-28T22:59:59Z" },
    ]);
    const yesterdaySales = salesInState(clientId, channel.id, "2026-03-27T23:00:00Z", "2026-03-28T22:59:59Z");
    expect(yesterday.result.text).toContain(`Sales: ${yesterdaySales.length}\n`);
    expect(yesterday.result.text).toContain(totalLine(yesterdaySales));
    expect(yesterday.result.text).not.toContain("Yesterday until");
    expect(callbackDataOf(yesterday.result)).toEqual([
      "sv1:refresh",
      "sv1:export",
      "sv1:links",
      "sv1:today",
      "sv1:last7",
      "sv1:other",
      "x",
    ]);

    const week = await channelSalesDuring(() => op.click("Last 7 days", /Last 7 days:/));
    expect(week.result.messageId).toBe(first.messageId);
    // The 23rd was still CET (+01:00).
    expect(week.requests.map(rangeOf)).toEqual([
      { from: "2026-03-22T23:00:00Z", to: "2026-03-29T10:15:00Z" },
    ]);
    const weekSales = salesInState(clientId, channel.id, "2026-03-22T23:00:00Z", "2026-03-29T10:15:00Z");
    expect(week.result.text).toContain("Last 7 days: 2026-03-23 – 2026-03-29 12:15 (Europe/Madrid)");
    expect(week.result.text).toContain(`Sales: ${weekSales.length}\n`);
    expect(week.result.text).toContain(totalLine(weekSales));

    const back = await op.click("Today", /Today, 2026-03-29/);
    expect(back.messageId).toBe(first.messageId);
  });

  it("Last 7 days offers a sales-per-day chart, one panel per currency, never a sum of two currencies", async () => {
    clock = START;
    const account = h.premiumpay.addClient({ channelNames: ["Chart Club"] });
    const channel = h.premiumpay.data(account.clientId).channels[0]!;
    const sell = (date: string, amount: number, currency: string) =>
      h.premiumpay.addSale(account.clientId, {
        channelId: channel.id,
        date: new Date(date),
        amount,
        currency,
      });
    sell("2026-03-24T10:00:00Z", 10, "EUR");
    sell("2026-03-26T10:00:00Z", 20, "EUR");
    sell("2026-03-26T11:00:00Z", 30, "USD");
    // Before the period: in no figure.
    sell("2026-03-20T10:00:00Z", 500, "EUR");
    const op = await operatorIn("Europe/Madrid", { account });
    const today = await openSales(op, "Chart Club");
    expect(callbackDataOf(today)).not.toContain("sv1:chart");
    // A forged Chart button on "today" is refused and sends nothing.
    const forged = await op.answerTo(today.messageId, stampedLike(today, "sv1:chart"));
    expect(forged.answer?.text).toMatch(/expired/);

    const week = await op.click("Last 7 days", /Last 7 days:/);
    expect(callbackDataOf(week)).toContain("sv1:chart");
    const photo = await op.click("Chart", (message) => message.media?.kind === "photo");
    const png = photo.media!.bytes;
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(1080);
    // Two currency panels are taller than one.
    expect(png.readUInt32BE(20)).toBeGreaterThan(700);
    expect(photo.text).toContain("Sales per day · Chart Club");
    expect(photo.text).toContain("EUR: €30.00 · 2 sales");
    expect(photo.text).toContain("USD: $30.00 · 1 sale");
    expect(photo.text).not.toMatch(/60\.00|530|510/);
    expect(op.botMessages().filter((message) => message.media)).toHaveLength(1);
    // The figures again under the photo, with their buttons.
    await op.nextBotMessage(
      (message) => message.messageId > photo.messageId && hasButton("sv1:chart")(message),
    );
  });

  it("a chart Telegram refuses is left out: the figures come again below with their buttons, the flow goes on", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    await openSales(op, "Fotografía Pro");
    const week = await op.click("Last 7 days", hasButton("sv1:chart"));
    h.telegram.faults.failNext(
      "sendPhoto",
      { errorCode: 400, description: "Bad Request: PHOTO_INVALID_DIMENSIONS" },
      1,
    );
    const again = await op.click(
      "Chart",
      (message) => message.messageId > week.messageId && hasButton("sv1:chart")(message),
    );
    expect(op.botMessages().filter((message) => message.media)).toHaveLength(0);
    expect(again.text).toContain("Last 7 days:");
    expect(op.botMessages().some((message) => /Something went wrong/.test(message.text))).toBe(false);
    // Still the same /sales flow: its next button works.
    await op.click("Today", /Today:|Sales:/);
  });

  it("a chart of /sales in Spanish", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid", { languageCode: "es" });
    await op.send("/sales", hasButton(/^cp:c:/));
    await op.click("Idiomas Express", hasButton("sl1:all:0"));
    await op.click(/Todos los enlaces/, /Ventas:/);
    await op.click(/Últimos 7 días/, hasButton("sv1:chart"));
    const photo = await op.click("Gráfico", (message) => message.media?.kind === "photo");
    expect(photo.text).toContain("Ventas por día · Idiomas Express");
    expect(photo.media!.bytes.readUInt32BE(16)).toBe(1080);
  });

  it("Another channel keeps the figures, removes their buttons and opens the picker again", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    const first = await openSales(op, "Fotografía Pro");
    const picker = await op.click("Another channel", /Pick a channel/);
    expect(picker.messageId).not.toBe(first.messageId);
    const old = h.telegram.chat(op.chatId).messages.find((message) => message.messageId === first.messageId);
    expect(old?.text).toContain("Fotografía Pro");
    expect(callbackDataOf(old)).toEqual([]);
    await op.click("Trading Signals VIP", /all links, or of one link/);
    const second = await op.click("All links", /Sales:/);
    expect(second.text).toContain("Trading Signals VIP");
  });

  it("counts a sale by its own timestamp in the operator's zone, whatever premiumpay answers for the range", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    // premiumpay also sends a sale of the day before and one undated.
    h.premiumpay.faults.set(
      "channelSales",
      {
        body: salesAroundMadridMidnight(),
      },
      { times: 1 },
    );
    const result = await openSales(op, "Fitness Premium");
    expect(result.text).toContain("Sales: 1\n");
    expect(result.text).toContain("Total: €10.00");
  });

  it("reads premiumpay's 'No data' as zero sales", async () => {
    clock = START;
    const account = h.premiumpay.addClient({ channels: 2 });
    const op = await operatorIn("Europe/Madrid", { account });
    const result = await openSales(op, "Channel 2");
    expect(result.text).toContain("Sales: 0\n");
    expect(result.text).toContain("Total: no sales");
    expect(result.text).not.toContain("Total: 0.00");
    // Yesterday had none either: said in words, never "0 sales · 0.00", an amount without a currency.
    expect(result.text).toContain("No sales yesterday at this time either.");
    expect(result.text).not.toContain("Yesterday until");
    expect(result.text).not.toContain("0.00");
    expect(result.text).not.toContain("By link");
  });

  it("explains a premiumpay failure with a Retry button that works once premiumpay is back", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    await op.send("/sales", /Pick a channel/);
    await op.click("Fitness Premium", /all links, or of one link/);
    h.premiumpay.faults.set("channelSales", { status: 503 });
    try {
      const failed = await op.click("All links", /cannot be reached/);
      expect(callbackDataOf(failed)).toEqual(["rt:sales", "x"]);
      h.premiumpay.faults.set("channelSales", { ko: "<b>quota</b> & more" });
      const refused = await op.click("Try again", /refused the request/);
      expect(refused.text).toContain("premiumpay refused the request: <b>quota</b> & more");
      expect(refused.html).toContain("&lt;b&gt;quota&lt;/b&gt; &amp; more");
      expect(refused.messageId).toBe(failed.messageId);
    } finally {
      h.premiumpay.faults.clear();
    }
    const recovered = await op.click("Try again", /Sales:/);
    expect(recovered.text).toContain("Fitness Premium · all links");
  });

  it("escapes hostile channel and link names", async () => {
    clock = START;
    const hostile = h.premiumpay.clients.find((client) => client.clientId.startsWith("edge-"))!;
    const op = await operatorIn("Europe/Madrid", { account: hostile });
    const channel = h.premiumpay.data(hostile.clientId).channels.find((c) => c.name === "<b>bold</b> VIP")!;
    h.premiumpay.addSale(hostile.clientId, {
      channelId: channel.id,
      date: new Date("2026-03-29T09:00:00Z"),
      invitationLink: channel.links[0]!.link,
    });
    await op.send("/sales", /Pick a channel/);
    const linkStep = await op.click("<b>bold</b> VIP", /all links, or of one link/);
    expect(linkStep.html).toContain("&lt;b&gt;bold&lt;/b&gt; VIP");
    const result = await op.click("All links", /Sales:/);
    expect(result.text).toContain("<b>bold</b> VIP · all links");
    expect(result.html).toContain("&lt;b&gt;bold&lt;/b&gt; VIP");
    // The channel's first link is named "<i>promo</i>": shown as typed, never as markup.
    expect(channel.links[0]!.name).toBe("<i>promo</i>");
    expect(result.text).toContain("• <i>promo</i>:");
    expect(result.html).toContain("&lt;i&gt;promo&lt;/i&gt;");
    expect(result.html).not.toContain("<i>promo</i>");
  });

  it("speaks Spanish with Spanish number formats", async () => {
    clock = START;
    const account = h.premiumpay.addClient({ channels: 1 });
    const channel = h.premiumpay.data(account.clientId).channels[0]!;
    h.premiumpay.addSale(account.clientId, {
      channelId: channel.id,
      date: new Date("2026-03-29T09:00:00Z"),
      amount: 1234.5,
      currency: "EUR",
    });
    const op = await operatorIn("Europe/Madrid", { account, languageCode: "es" });
    await op.send("/sales", /Elige un canal/);
    await op.click("Channel 1", /todos los enlaces o de uno solo/);
    const result = await op.click("Todos los enlaces", /Ventas:/);
    expect(result.text).toContain("Ventas: 1\n");
    expect(result.text).toMatch(/Total: 1234,50\s€/);
    expect(result.text).toContain("Ayer a esta hora no había ventas");
    expect(result.text).not.toContain("0 ventas");
    expect(result.text).not.toContain("0,00");
  });
});

describe("/sales: 'today' follows the operator's time zone", () => {
  const cases = [
    {
      name: "Europe/Madrid on the fall-back day (25 hours)",
      zone: "Europe/Madrid",
      now: "2026-10-25T12:00:00Z", // 13:00 CET
      midnight: "2026-10-24T22:00:00Z", // 00:00 CEST
      yesterdayStart: "2026-10-23T22:00:00Z",
      yesterdaySameTime: "2026-10-24T11:00:00Z", // 13:00 CEST
      label: "Today, 2026-10-25, until 13:00 (Europe/Madrid)",
    },
    {
      name: "America/Sao_Paulo late in the evening, when UTC is already tomorrow",
      zone: "America/Sao_Paulo",
      now: "2026-03-30T02:30:00Z", // 23:30 on the 29th
      midnight: "2026-03-29T03:00:00Z",
      yesterdayStart: "2026-03-28T03:00:00Z",
      yesterdaySameTime: "2026-03-29T02:30:00Z",
      label: "Today, 2026-03-29, until 23:30 (America/Sao_Paulo)",
    },
    {
      name: "Asia/Kolkata just after midnight, when UTC is still yesterday",
      zone: "Asia/Kolkata",
      now: "2026-03-29T19:00:00Z", // 00:30 on the 30th
      midnight: "2026-03-29T18:30:00Z",
      yesterdayStart: "2026-03-28T18:30:00Z",
      yesterdaySameTime: "2026-03-28T19:00:00Z",
      label: "Today, 2026-03-30, until 00:30 (Asia/Kolkata)",
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      clock = START;
      const account = h.premiumpay.addClient({ channels: 1 });
      const channel = h.premiumpay.data(account.clientId).channels[0]!;
      const second = (iso: string, delta: number) => new Date(Date.parse(iso) + delta * 1000);
      for (const date of [
        second(c.midnight, -1), // yesterday's last second
        second(c.midnight, 0), // today's first second
        second(c.now, 0),
        second(c.now, 1), // the future
        second(c.yesterdaySameTime, 0),
        second(c.yesterdaySameTime, 1),
      ]) {
        h.premiumpay.addSale(account.clientId, { channelId: channel.id, date, amount: 5, currency: "USD" });
      }
      const op = await operatorIn(c.zone, { account });
      clock = new Date(c.now);
      const { result, requests } = await channelSalesDuring(() => openSales(op, "Channel 1"));
      clock = START;

      expect(requests.map(rangeOf)).toEqual([
        { from: c.midnight, to: c.now },
        { from: c.yesterdayStart, to: c.yesterdaySameTime },
      ]);
      expect(result.text).toContain(c.label);
      // Today counts the sales at midnight and at now, not the one a second before midnight nor the future one.
      const today = salesInState(account.clientId, channel.id, c.midnight, c.now);
      const yesterday = salesInState(account.clientId, channel.id, c.yesterdayStart, c.yesterdaySameTime);
      expect(today).toHaveLength(2);
      expect(result.text).toContain("Sales: 2\n");
      expect(result.text).toContain("Total: $10.00");
      expect(result.text).toContain(`${plural(yesterday.length)} · ${expectedTotal(yesterday)}`);
    });
  }

  it("leaves the menu's sales button to the same flow", async () => {
    clock = START;
    const op = await operatorIn("Europe/Madrid");
    const menu = await op.send("/start", hasButton("m:sales"));
    const picker = await op.clickData(menu.messageId, "m:sales", /Today's sales[\s\S]*Pick a channel/);
    expect(callbackDataOf(picker)).toContain("x");
  });
});
