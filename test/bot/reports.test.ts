import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderTable } from "../../src/format/table.js";
import type { SandboxRequest, SandboxSale } from "../../src/sandbox/premiumpay/index.js";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import {
  callbackDataOf,
  type Harness,
  hasButton,
  type OperatorDriver,
  startHarness,
} from "../support/harness.js";

/** Europe/Madrid's spring-forward day; the sandbox's 90 days of sales end here. */
const NOW = new Date("2026-03-29T10:15:00Z");
const ZONE = "Europe/Madrid";
const DAY_MS = 86_400_000;
/** The operator's periods at NOW, as premiumpay must receive them. */
const RANGES = {
  today: { from: "2026-03-28T23:00:00Z", to: "2026-03-29T10:15:00Z" },
  yesterday: { from: "2026-03-27T23:00:00Z", to: "2026-03-28T22:59:59Z" },
  last7: { from: "2026-03-22T23:00:00Z", to: "2026-03-29T10:15:00Z" },
  last30: { from: "2026-02-27T23:00:00Z", to: "2026-03-29T10:15:00Z" },
} as const;
type Range = { from: string; to: string };

let h: Harness;
// The harness runs no digest schedule, so every premiumpay request counted here is the flows'.
beforeAll(async () => {
  h = await startHarness({ now: () => NOW });
});
afterAll(() => h?.stop());

async function operator(account?: { clientId: string; token: string }): Promise<OperatorDriver> {
  const op = h.operator(account ? { account } : {});
  await op.login();
  await h.app.deps.store.updateOperator(op.user.id, { timezone: ZONE });
  return op;
}

async function requestsDuring<T>(endpoint: string, action: () => Promise<T>) {
  const before = h.premiumpay.requests.length;
  const result = await action();
  const requests = h.premiumpay.requests.slice(before).filter((request) => request.endpoint === endpoint);
  return { result, requests, bodies: requests.map((request) => request.body as Record<string, unknown>) };
}

const rangeOf = (request: SandboxRequest | undefined): Range => {
  const body = request?.body as { start_date_time: string; end_date_time: string };
  return { from: body.start_date_time, to: body.end_date_time };
};

const inRange = (sale: SandboxSale, range: Range) =>
  sale.date.getTime() >= Date.parse(range.from) && sale.date.getTime() <= Date.parse(range.to);

const unescapeHtml = (html: string) =>
  html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");

/** The lines of the message's `<pre>` table below the header rule, as displayed. */
function tableOf(message: StoredMessage): { header: string; rows: string[]; total?: string } {
  const pre = /<pre>([\s\S]*?)<\/pre>/.exec(message.html);
  if (!pre) throw new Error(`no table in: ${message.text}`);
  const [header = "", , ...lines] = unescapeHtml(pre[1]!).split("\n");
  const rule = lines.findIndex((line) => line.startsWith("─"));
  if (rule === -1) return { header, rows: lines };
  return { header, rows: lines.slice(0, rule), total: lines[rule + 1] };
}

/** Each currency block of a report: its heading, its rows and its totals row. */
function blocksOf(
  message: StoredMessage,
): { heading: string; header: string; rows: string[]; total: string }[] {
  return [...message.html.matchAll(/<b>([^<]*)<\/b>\n<pre>([\s\S]*?)<\/pre>/g)].map((match) => {
    const [header = "", , ...rest] = unescapeHtml(match[2]!).split("\n");
    return { heading: unescapeHtml(match[1]!), header, rows: rest.slice(0, -2), total: rest.at(-1)! };
  });
}

/** From a report screen: Another report → PayPal → its "Fitness Premium" service, at the period question. */
async function anotherPaypalServiceReport(op: OperatorDriver, clientId: string) {
  await op.click("Another report", /Which report/);
  await op.click("Sales of a gateway or service", /Which gateway\?/);
  await op.click("PayPal", /All its services/);
  const paypal = h.premiumpay.data(clientId).gateways.find((g) => g.name === "PayPal")!;
  const service = paypal.services.find((s) => s.name.startsWith("Fitness Premium"))!;
  await op.click(service.name, /Which period|PayPal/);
  return { paypal, service };
}

const cells = (line: string) => line.trim().split(/\s{2,}/);
const money = (amount: number, currency: string) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
const round2 = (amount: number) => Math.round(amount * 100) / 100;

describe("renderTable", () => {
  it("pads by characters, right-aligns numbers and escapes every cell and header", () => {
    const table = renderTable(
      [{ header: "name <x>" }, { header: "n", align: "right" }],
      [
        ["Tom & Jerry", "7"],
        ["🔥 Hot", "120"],
      ],
      { maxChars: 4096 },
    );
    expect(table.html).toBe(
      "<pre>name &lt;x&gt;       n\n────────────────\nTom &amp; Jerry    7\n🔥 Hot        120</pre>",
    );
    expect(table).toMatchObject({ rowsShown: 2, rowsOmitted: 0, columnsOmitted: [] });
  });

  it("cuts long cells, keeps lines flat and leaves out the columns past the line width", () => {
    const table = renderTable(
      [{ header: "a" }, { header: "b" }, { header: "c" }],
      [["x".repeat(30), "two\nlines", "y".repeat(30)]],
      { maxChars: 4096, maxCellWidth: 10, maxLineWidth: 25 },
    );
    expect(table.html).toContain(`${"x".repeat(9)}…  two lines`);
    expect(table.html).not.toContain("y");
    expect(table.columnsOmitted).toEqual(["c"]);
  });

  it("stops before the character budget and counts the rows left out", () => {
    const rows = Array.from({ length: 500 }, (_, i) => [`<row ${i}>`, String(i)]);
    const table = renderTable([{ header: "r" }, { header: "i", align: "right" }], rows, { maxChars: 1000 });
    expect(table.html.length).toBeLessThanOrEqual(1000);
    expect(table.rowsShown).toBeGreaterThan(10);
    expect(table.rowsShown + table.rowsOmitted).toBe(500);
    expect(table.html.endsWith("</pre>")).toBe(true);
  });
});

describe("/results", () => {
  /** What the sandbox reports per UTC day for a channel: its sales count and amount. */
  function expectedDays(clientId: string, channelId: number, range: Range) {
    const data = h.premiumpay.data(clientId);
    const first = Math.floor(Date.parse(range.from) / DAY_MS) * DAY_MS;
    const last = Math.floor(Date.parse(range.to) / DAY_MS) * DAY_MS;
    const days: { date: string; sales: number; amount: number }[] = [];
    for (let day = first; day <= last; day += DAY_MS) {
      const sales = data.sales.filter(
        (sale) =>
          sale.channelId === channelId &&
          inRange(sale, range) &&
          Math.floor(sale.date.getTime() / DAY_MS) * DAY_MS === day,
      );
      days.push({
        date: new Date(day).toISOString().slice(0, 10),
        sales: sales.length,
        amount: round2(sales.reduce((sum, sale) => sum + sale.amount, 0)),
      });
    }
    return days;
  }

  it("shows each period as a table of premiumpay's fields, switching periods in place", async () => {
    const op = await operator();
    const { clientId } = h.premiumpay.demoClient;
    const channel = h.premiumpay.data(clientId).channels.find((c) => c.name === "Fitness Premium")!;
    await op.send("/results", /Channel results[\s\S]*Pick a channel/);
    const periodStep = await op.click("Fitness Premium", /Which period\?/);
    expect(callbackDataOf(periodStep)).toEqual([
      "pd1:today",
      "pd1:yesterday",
      "pd1:last7",
      "pd1:last30",
      "x",
    ]);

    const steps = [
      { label: "Today", kind: "today", line: "Today, 2026-03-29, until 12:15 (Europe/Madrid)" },
      { label: "Yesterday", kind: "yesterday", line: "Yesterday, 2026-03-28 (Europe/Madrid)" },
      {
        label: "Last 7 days",
        kind: "last7",
        line: "Last 7 days: 2026-03-23 – 2026-03-29 12:15 (Europe/Madrid)",
      },
      {
        label: "Last 30 days",
        kind: "last30",
        line: "Last 30 days: 2026-02-28 – 2026-03-29 12:15 (Europe/Madrid)",
      },
    ] as const;
    for (const step of steps) {
      const { result, requests } = await requestsDuring("channelResults", () =>
        op.click(step.label, /results\n/),
      );
      expect(result.messageId).toBe(periodStep.messageId);
      expect(requests).toHaveLength(1);
      expect(rangeOf(requests[0])).toEqual(RANGES[step.kind]);
      expect(requests[0]!.body).toMatchObject({ channel_id: channel.id });
      expect(result.text).toContain(step.line);
      expect(result.text.length).toBeLessThanOrEqual(4096);

      const days = expectedDays(clientId, channel.id, RANGES[step.kind]);
      // The channel id and currency are the same on every line, so they are said once; the empty link is dropped.
      expect(result.text).toContain(
        `For every row: Channel ID: ${channel.id} · Currency: ${channel.currency}`,
      );
      expect(result.text).not.toMatch(/channel_id|currency:|invitation_link/);
      const table = tableOf(result);
      expect(cells(table.header)).toEqual(["Date", "Joins", "Leaves", "Sales", "Amount"]);
      expect(table.rows).toHaveLength(days.length);
      for (const [index, day] of days.entries()) {
        const [date, joins, leaves, sales, amount] = cells(table.rows[index]!);
        expect({ date, sales, amount }).toEqual({
          date: day.date,
          sales: String(day.sales),
          amount: String(day.amount),
        });
        expect(Number(joins)).toBeGreaterThanOrEqual(day.sales);
        expect(Number(leaves)).toBeGreaterThanOrEqual(0);
      }
      if (days.length > 1) {
        const column = (at: number) => table.rows.reduce((sum, row) => sum + Number(cells(row)[at]), 0);
        expect(cells(table.total!)).toEqual([
          "Total",
          String(column(1)),
          String(column(2)),
          String(days.reduce((sum, day) => sum + day.sales, 0)),
          String(round2(days.reduce((sum, day) => sum + day.amount, 0))),
        ]);
      } else {
        expect(table.total).toBeUndefined();
      }
      expect(result.text).not.toContain("not shown");
    }
    expect(h.telegram.unansweredCallbacks()).toEqual([]);
  });

  it("fits a huge answer into one message, escaped, saying how many rows and which columns were left out", async () => {
    const op = await operator();
    const rows = Array.from({ length: 400 }, (_, i) => ({
      day: `2026-01-${String((i % 28) + 1).padStart(2, "0")}`,
      note: `<b>r${i}</b> & "co"`,
      visitors: i * 3,
      ratio: i / 7,
      paid: i % 2 === 0,
      source_campaign_name: `campaign-${i % 3}-summer-promo`,
      extra_wide_field: String(i).padEnd(40, "z"),
    }));
    h.premiumpay.faults.set("channelResults", { body: rows }, { times: 1 });
    await op.send("/results", /Pick a channel/);
    await op.click("Recetas Secretas", /Which period\?/);
    const result = await op.click("Last 30 days", /results\n/);

    expect(result.text.length).toBeLessThanOrEqual(4096);
    expect(result.html.length).toBeLessThanOrEqual(4096);
    const table = tableOf(result);
    const omitted = Number(/(\d+) more rows are not shown/.exec(result.text)?.[1]);
    expect(table.rows.length).toBeGreaterThan(20);
    expect(table.rows.length + omitted).toBe(400);
    expect(table.rows[0]).toContain('<b>r0</b> & "co"');
    expect(result.html).toContain("&lt;b&gt;r0&lt;/b&gt; &amp; &quot;co&quot;");
    expect(result.html).not.toContain("<b>r0</b>");
    expect(cells(table.header)).toEqual(["Day", "Note", "Visitors", "Ratio", "Paid"]);
    expect(result.text).toContain(
      "Not shown, to keep the table readable: Source campaign name, Extra wide field",
    );
    // Fractions are rounded to cents and booleans read as words.
    expect(cells(table.rows[0]!).slice(2)).toEqual(["0", "0", "yes"]);
    expect(cells(table.rows[1]!).slice(2)).toEqual(["3", "0.14", "no"]);
  });

  it("names the columns in Spanish and adds a totals row", async () => {
    const op = await operator();
    await h.app.deps.store.updateOperator(op.user.id, { locale: "es" });
    const rows = [
      {
        date: "2026-03-27",
        channel_id: 1002,
        joins: 1200,
        leaves: 3,
        sales: 2,
        amount: 10.5,
        currency: "EUR",
      },
      { date: "2026-03-28", channel_id: 1002, joins: 4, leaves: 1, sales: 1, amount: 0.2, currency: "EUR" },
    ];
    h.premiumpay.faults.set("channelResults", { body: rows }, { times: 1 });
    await op.send("/results", /Resultados del canal/);
    await op.click("Recetas Secretas", /Qué periodo/);
    const result = await op.click("Últimos 30 días", /resultados\n/);
    expect(result.text).toContain("En todas las filas: ID del canal: 1002 · Moneda: EUR");
    expect(result.text).not.toMatch(/channel_id|currency|joins|leaves|amount/);
    const table = tableOf(result);
    expect(cells(table.header)).toEqual(["Fecha", "Altas", "Bajas", "Ventas", "Importe"]);
    expect(table.rows.map(cells)).toEqual([
      ["2026-03-27", "1200", "3", "2", "10,5"],
      ["2026-03-28", "4", "1", "1", "0,2"],
    ]);
    expect(cells(table.total!)).toEqual(["Total", "1204", "4", "3", "10,7"]);
  });

  it("adds amounts up only in one stated currency: not across currencies, not a bare 0 without one", async () => {
    const op = await operator();
    const day = (date: string, sales: number, amount: number, currency: string | null) => ({
      date,
      channel_id: 1002,
      joins: 5,
      sales,
      amount,
      currency,
    });
    h.premiumpay.faults.set(
      "channelResults",
      { body: [day("2026-03-27", 2, 10.5, "EUR"), day("2026-03-28", 1, 30, "USD")] },
      { times: 1 },
    );
    await op.send("/results", /Pick a channel/);
    await op.click("Recetas Secretas", /Which period\?/);
    const mixed = tableOf(await op.click("Last 30 days", /results\n/));
    expect(cells(mixed.header)).toEqual(["Date", "Joins", "Sales", "Amount", "Currency"]);
    expect(cells(mixed.total!)).toEqual(["Total", "10", "3"]);
    expect(mixed.total).not.toMatch(/40\.5/);

    // Days without sales, currency not given: the zero total would be an amount without a currency.
    h.premiumpay.faults.set(
      "channelResults",
      { body: [day("2026-03-28", 0, 0, null), day("2026-03-29", 0, 0, null)] },
      { times: 1 },
    );
    const none = tableOf(await op.click("Last 7 days", /results\n/));
    expect(cells(none.header)).toEqual(["Date", "Joins", "Sales", "Amount"]);
    expect(cells(none.total!)).toEqual(["Total", "10", "0"]);
  });

  it("reads 'No data' as no results, and offers Retry when premiumpay limits requests", async () => {
    const op = await operator();
    h.premiumpay.faults.set("channelResults", { ko: "No data" }, { times: 1 });
    await op.send("/results", /Pick a channel/);
    await op.click("Idiomas Express", /Which period\?/);
    const empty = await op.click("Yesterday", /No results in this period/);
    expect(empty.text).not.toContain("<pre>");

    h.premiumpay.faults.set("channelResults", { rateLimit: 45 }, { times: 1 });
    const limited = await op.click("Today", /limiting requests/);
    expect(limited.text).toContain("in 45 s");
    expect(callbackDataOf(limited)).toEqual([`rt:results`, "x"]);
    const recovered = await op.click("Try again", /results\n/);
    expect(recovered.messageId).toBe(empty.messageId);
    expect(recovered.text).toContain("Today, 2026-03-29");
  });

  it("escapes a hostile channel name", async () => {
    const hostile = h.premiumpay.clients.find((client) => client.clientId.startsWith("edge-"))!;
    const op = await operator(hostile);
    await op.send("/results", /Pick a channel/);
    await op.click("Tom &amp; Jerry", /Which period\?/);
    const result = await op.click("Today", /results\n/);
    expect(result.text).toContain("Tom &amp; Jerry <script>alert(1)</script> · results");
    expect(result.html).toContain("Tom &amp;amp; Jerry &lt;script&gt;alert(1)&lt;/script&gt;");
  });
});

describe("/report", () => {
  const serviceNames = (clientId: string) =>
    new Map(
      h.premiumpay.data(clientId).gateways.flatMap((g) => g.services.map((s) => [s.id, s.name] as const)),
    );

  function expectedAggregate(
    clientId: string,
    field: "country" | "payment_method" | "service",
    range: Range,
  ) {
    const names = serviceNames(clientId);
    const rows = new Map<string, { key: string; currency: string; count: number; cents: number }>();
    for (const sale of h.premiumpay.data(clientId).sales) {
      if (!inRange(sale, range)) continue;
      const key =
        field === "country"
          ? sale.country
          : field === "payment_method"
            ? sale.paymentMethod
            : names.get(sale.serviceId)!;
      const row = rows.get(`${key}|${sale.currency}`) ?? { key, currency: sale.currency, count: 0, cents: 0 };
      row.count += 1;
      row.cents += Math.round(sale.amount * 100);
      rows.set(`${key}|${sale.currency}`, row);
    }
    // Grouped by currency, the largest currency total first; largest amount first within a currency.
    const totals = new Map<string, number>();
    for (const row of rows.values()) totals.set(row.currency, (totals.get(row.currency) ?? 0) + row.cents);
    return [...rows.values()].sort((a, b) => {
      if (a.currency !== b.currency) {
        return totals.get(b.currency)! - totals.get(a.currency)! || a.currency.localeCompare(b.currency);
      }
      return b.cents - a.cents || b.count - a.count || a.key.localeCompare(b.key);
    });
  }

  const kinds = [
    { field: "country", button: "Sales by country", header: "Country" },
    { field: "payment_method", button: "Sales by payment method", header: "Method" },
    { field: "service", button: "Sales by service", header: "Service" },
  ] as const;

  for (const kind of kinds) {
    it(`aggregates by ${kind.field}, largest amount first`, async () => {
      const op = await operator();
      const { clientId } = h.premiumpay.demoClient;
      await op.send("/report", /Which report/);
      await op.click(kind.button, /Which period/);
      const { result, bodies } = await requestsDuring("aggregatedSales", () =>
        op.click("Last 7 days", /Last 7 days:/),
      );

      expect(bodies).toEqual([
        { start_date_time: RANGES.last7.from, end_date_time: RANGES.last7.to, aggregate_field: kind.field },
      ]);
      const expected = expectedAggregate(clientId, kind.field, RANGES.last7);
      expect(expected.length).toBeGreaterThan(2);
      const blocks = blocksOf(result);
      expect(blocks.map((block) => cells(block.header))).toEqual(
        blocks.map(() => [kind.header, "Sales", "Amount"]),
      );
      const shownRows = blocks.flatMap((block) => block.rows);
      expect(shownRows).toHaveLength(expected.length);
      for (const [index, row] of expected.entries()) {
        const [key, count, amount] = cells(shownRows[index]!);
        const shownKey = row.key.length > 28 ? `${row.key.slice(0, 27)}…` : row.key;
        expect({ key, count, amount }).toEqual({
          key: shownKey,
          count: String(row.count),
          amount: money(row.cents / 100, row.currency),
        });
      }
      expect(callbackDataOf(result)).toEqual([
        "sv1:refresh",
        "sv1:export",
        "sv1:today",
        "sv1:yesterday",
        "sv1:last30",
        "sv1:other",
        "x",
      ]);
    });
  }

  it("groups rows by currency and sorts them by amount, whatever order premiumpay sends them in", async () => {
    const op = await operator();
    h.premiumpay.faults.set(
      "aggregatedSales",
      {
        body: [
          { country: "FR", count: 1, amount: 4.99, currency: "EUR" },
          { country: "MX", count: 9, amount: 120.5, currency: "USD" },
          { country: "PT", count: 1, amount: 100, currency: "EUR" },
          { country: "ES", count: 3, amount: 4.99, currency: "EUR" },
          { country: "BR", count: 2, amount: 59.98, currency: "BRL" },
        ],
      },
      { times: 1 },
    );
    await op.send("/report", /Which report/);
    await op.click("Sales by country", /Which period/);
    const result = await op.click("Yesterday", /Yesterday, 2026-03-28/);
    expect(
      blocksOf(result).map(({ heading, rows, total }) => ({
        heading,
        rows: rows.map(cells),
        total: cells(total),
      })),
    ).toEqual([
      { heading: "US Dollar (USD)", rows: [["MX", "9", "$120.50"]], total: ["Total", "9", "$120.50"] },
      {
        heading: "Euro (EUR)",
        rows: [
          ["PT", "1", "€100.00"],
          ["ES", "3", "€4.99"],
          ["FR", "1", "€4.99"],
        ],
        total: ["Total", "5", "€109.98"],
      },
      { heading: "Brazilian Real (BRL)", rows: [["BR", "2", "R$59.98"]], total: ["Total", "2", "R$59.98"] },
    ]);
    expect(result.text).not.toMatch(/\n\s*\n\s*\n/);
  });

  it("shows currency blocks in Spanish", async () => {
    const op = await operator();
    await h.app.deps.store.updateOperator(op.user.id, { locale: "es" });
    h.premiumpay.faults.set(
      "aggregatedSales",
      {
        body: [
          { payment_method: "card", count: 2, amount: 10, currency: "EUR" },
          { payment_method: "paypal", count: 1, amount: 30, currency: "EUR" },
          { payment_method: "card", count: 1, amount: 5, currency: "USD" },
        ],
      },
      { times: 1 },
    );
    await op.send("/report", /Qué informe/);
    await op.click("Ventas por método de pago", /Qué periodo/);
    const result = await op.click("Ayer", /Ayer, 2026-03-28/);
    expect(
      blocksOf(result).map(({ heading, header, rows, total }) => [
        heading,
        cells(header),
        rows.map(cells),
        cells(total),
      ]),
    ).toEqual([
      [
        "Euro (EUR)",
        ["Método", "Ventas", "Importe"],
        [
          ["paypal", "1", "30,00\u00a0€"],
          ["card", "2", "10,00\u00a0€"],
        ],
        ["Total", "3", "40,00\u00a0€"],
      ],
      [
        "Dólar estadounidense (USD)",
        ["Método", "Ventas", "Importe"],
        [["card", "1", "5,00\u00a0US$"]],
        ["Total", "1", "5,00\u00a0US$"],
      ],
    ]);
  });

  it("switches periods in place and starts another report below", async () => {
    const op = await operator();
    await op.send("/report", /Which report/);
    await op.click("Sales by country", /Which period/);
    const first = await op.click("Today", /Today, 2026-03-29/);
    const { result, bodies } = await requestsDuring("aggregatedSales", () =>
      op.click("Last 30 days", /Last 30 days:/),
    );
    expect(result.messageId).toBe(first.messageId);
    expect(bodies[0]).toMatchObject({ start_date_time: RANGES.last30.from, aggregate_field: "country" });
    const next = await op.click("Another report", /Which report/);
    expect(next.messageId).toBeGreaterThan(first.messageId);
    expect(
      callbackDataOf(h.telegram.chat(op.chatId).messages.find((m) => m.messageId === first.messageId)),
    ).toEqual([]);
  });

  it("summarises a gateway's sales, then one of its services", async () => {
    const op = await operator();
    const { clientId } = h.premiumpay.demoClient;
    const data = h.premiumpay.data(clientId);
    const stripe = data.gateways.find((g) => g.name === "Stripe")!;
    await op.send("/report", /Which report/);
    const { bodies: gatewayBodies } = await requestsDuring("gateways", () =>
      op.click("Sales of a gateway or service", /Which gateway\?/),
    );
    expect(gatewayBodies).toEqual([{ include_services: "yes" }]);
    const services = await op.click("Stripe", /All its services, or one of them/);
    expect(callbackDataOf(services)).toEqual([
      "rs1:all:0",
      ...stripe.services.map((service) => `rs1:one:${service.id}`),
      "x",
    ]);
    await op.click("All services", /Which period|Stripe/);
    const whole = await requestsDuring("sales", () => op.click("Last 7 days", /Sales:/));
    expect(whole.bodies).toEqual([
      { start_date_time: RANGES.last7.from, end_date_time: RANGES.last7.to, pasarela_id: stripe.id },
    ]);
    const stripeSales = data.sales.filter(
      (sale) => sale.gatewayId === stripe.id && inRange(sale, RANGES.last7),
    );
    expect(stripeSales.length).toBeGreaterThan(0);
    expect(whole.result.text).toContain("Stripe · all services");
    expect(whole.result.text).toContain(`Sales: ${stripeSales.length}\n`);
    const byCurrency = new Map<string, number>();
    for (const sale of stripeSales)
      byCurrency.set(sale.currency, (byCurrency.get(sale.currency) ?? 0) + Math.round(sale.amount * 100));
    for (const [currency, cents] of byCurrency)
      expect(whole.result.text).toContain(money(cents / 100, currency));

    const { paypal, service } = await anotherPaypalServiceReport(op, clientId);
    const one = await requestsDuring("sales", () => op.click("Last 30 days", /Sales:/));
    expect(one.bodies).toEqual([
      {
        start_date_time: RANGES.last30.from,
        end_date_time: RANGES.last30.to,
        pasarela_id: paypal.id,
        service_id: service.id,
      },
    ]);
    const serviceSales = data.sales.filter(
      (sale) => sale.gatewayId === paypal.id && sale.serviceId === service.id && inRange(sale, RANGES.last30),
    );
    expect(one.result.text).toContain(`PayPal · ${service.name}`);
    expect(one.result.text).toContain(`Sales: ${serviceSales.length}\n`);
  });

  it("exports an account-wide report's sales, and a gateway service's sales, as CSV rows equal to the sandbox's", async () => {
    const op = await operator();
    const { clientId } = h.premiumpay.demoClient;
    const data = h.premiumpay.data(clientId);
    const utc = (sale: SandboxSale) => sale.date.toISOString().replace(/\.\d{3}Z$/, "Z");
    /** Export, then the period on screen (`shown`, the first of the export's period buttons). */
    const csvRows = async (shown: string) => {
      await op.click("Export", hasButton("xp1:shown"));
      const document = await op.click(shown, (message) => message.media?.kind === "document");
      const bytes = document.media!.bytes;
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const [, ...rows] = parse(bytes, { bom: true }) as string[][];
      return { fileName: document.media!.fileName, rows };
    };

    await op.send("/report", /Which report/);
    await op.click("Sales by country", /Which period/);
    await op.click("Yesterday", /Yesterday, /);
    const all = await csvRows("Yesterday");
    expect(all.fileName).toBe("sales-all-channels-2026-03-28_2026-03-28.csv");
    const yesterday = data.sales.filter((sale) => inRange(sale, RANGES.yesterday));
    expect(yesterday.length).toBeGreaterThan(0);
    expect(all.rows.map((row) => [row[1], row[2], row[3]]).sort()).toEqual(
      yesterday.map((sale) => [utc(sale), sale.amount.toFixed(2), sale.currency]).sort(),
    );
    // The report's figures again below the file, with their buttons.
    await op.nextBotMessage(hasButton("sv1:export"));

    const { paypal, service } = await anotherPaypalServiceReport(op, clientId);
    await op.click("Last 7 days", /Sales:/);
    const one = await csvRows("Last 7 days");
    expect(one.fileName).toMatch(/^sales-paypal-fitness-premium.*-2026-03-23_2026-03-29\.csv$/);
    const serviceSales = data.sales.filter(
      (sale) => sale.gatewayId === paypal.id && sale.serviceId === service.id && inRange(sale, RANGES.last7),
    );
    expect(serviceSales.length).toBeGreaterThan(0);
    expect(one.rows.map((row) => [row[1], row[2], row[3]]).sort()).toEqual(
      serviceSales.map((sale) => [utc(sale), sale.amount.toFixed(2), sale.currency]).sort(),
    );
  });

  it("pages through 30 services and refuses a gateway that is not the operator's", async () => {
    const bulk = h.premiumpay.clients.find((client) => client.clientId.startsWith("bulk-"))!;
    const op = await operator(bulk);
    const stripe = h.premiumpay.data(bulk.clientId).gateways.find((g) => g.name === "Stripe")!;
    await op.send("/report", /Which report/);
    const gateways = await op.click("Sales of a gateway or service", /Which gateway\?/);

    const before = h.premiumpay.requests.length;
    const refused = await op.answerTo(gateways.messageId, "rg1:999999");
    expect(refused.answer?.text).toMatch(/expired/);
    // Nothing was asked about the forged gateway.
    expect(h.premiumpay.requests.slice(before).filter((request) => request.endpoint === "sales")).toEqual([]);

    const first = await op.click("Stripe", /Page 1 of 4/);
    expect(callbackDataOf(first).filter((data) => data.startsWith("rs1:one:"))).toHaveLength(8);
    await op.click("Next", /Page 2 of 4/);
    const target = stripe.services.find((s) => s.name.startsWith("Channel 12"))!;
    await op.click(target.name, /Which period|Stripe/);
    const { bodies } = await requestsDuring("sales", () => op.click("Today", /Sales:/));
    expect(bodies[0]).toMatchObject({ pasarela_id: stripe.id, service_id: target.id });
  });

  it("escapes hostile service names in tables and titles", async () => {
    const hostile = h.premiumpay.clients.find((client) => client.clientId.startsWith("edge-"))!;
    const op = await operator(hostile);
    await op.send("/report", /Which report/);
    await op.click("Sales by service", /Which period/);
    const table = await op.click("Last 30 days", /Last 30 days:/);
    expect(tableOf(table).rows.some((row) => row.startsWith("<b>bold</b> VIP – "))).toBe(true);
    expect(table.html).toContain("&lt;b&gt;bold&lt;/b&gt; VIP – ");
    expect(table.html).not.toContain("<b>bold</b>");

    await op.click("Another report", /Which report/);
    await op.click("Sales of a gateway or service", /Which gateway\?/);
    await op.click("CoinGate", /All its services/);
    await op.click("Closing </a> tag & co", /Which period|CoinGate/);
    const result = await op.click("Today", /Sales:/);
    expect(result.text).toContain("CoinGate · Closing </a> tag & co – CoinGate");
    expect(result.html).toContain("Closing &lt;/a&gt; tag &amp; co – CoinGate");
  });

  it("opens from the main menu and offers Retry when premiumpay is down", async () => {
    const op = await operator();
    const menu = await op.send("/start", hasButton("m:report"));
    await op.clickData(menu.messageId, "m:report", /Which report/);
    h.premiumpay.faults.set("gateways", { status: 503 });
    try {
      const failed = await op.click("Sales of a gateway or service", /premiumpay/);
      expect(callbackDataOf(failed)).toEqual(["rt:report", "x"]);
    } finally {
      h.premiumpay.faults.clear();
    }
    await op.click("Try again", /Which gateway\?/);
  });

  it("offers no Retry when premiumpay refuses the credentials, only the way to log in again", async () => {
    const op = await operator();
    await h.app.deps.store.updateOperator(op.user.id, { locale: "es" });
    await op.send("/report", /Qué informe/);
    h.premiumpay.faults.set("gateways", { status: 401 }, { times: 1 });
    const failed = await op.click("Ventas de una pasarela o servicio", /ya no acepta tus credenciales/);
    expect(failed.text).toContain("/login");
    expect(callbackDataOf(failed)).toEqual([]);
    // The flow is over: typed text is not taken as an answer to it.
    await op.send("hola", /No te he entendido/);
  });
});
